using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Conv2d and ConvTranspose2d have the same three passes — forward (x, w, b → y), backward-data (dy, w → dx) and
/// backward-weights (x, dy → dw, db) — fast and reference: bound to one geometry, either kernel runs the same
/// <see cref="KernelCheck"/> bodies (as either layer runs <c>ConvolutionLayer</c>'s).
/// </summary>
internal sealed record ConvolutionKernel(
    string Name, IConvolutionGeometry Geometry, TensorShape WeightShape, TensorShape BiasShape,
    Action<Tensor, Tensor, Tensor, Tensor> Forward, Action<Tensor, Tensor, Tensor> BackwardData,
    Action<Tensor, Tensor, Tensor, Tensor> BackwardWeights,
    Action<double[], double[], double[], double[]> ReferenceForward, Action<double[], double[], double[]> ReferenceBackwardData,
    Action<double[], double[], double[], double[]> ReferenceBackwardWeights)
{
    public static ConvolutionKernel Of(Conv2dGeometry g) => new("Conv2d", g, g.WeightShape, g.BiasShape,
        (x, w, b, y) => Conv2d.Forward(g, x, w, b, y), (dy, w, dx) => Conv2d.BackwardData(g, dy, w, dx),
        (x, dy, dw, db) => Conv2d.BackwardWeights(g, x, dy, dw, db),
        (x, w, b, y) => Conv2dReference.Forward<double>(g, x, w, b, y), (dy, w, dx) => Conv2dReference.BackwardData<double>(g, dy, w, dx),
        (x, dy, dw, db) => Conv2dReference.BackwardWeights<double>(g, x, dy, dw, db));

    public static ConvolutionKernel Of(ConvTranspose2dGeometry g) => new("ConvTranspose2d", g, g.WeightShape, g.BiasShape,
        (x, w, b, y) => ConvTranspose2d.Forward(g, x, w, b, y), (dy, w, dx) => ConvTranspose2d.BackwardData(g, dy, w, dx),
        (x, dy, dw, db) => ConvTranspose2d.BackwardWeights(g, x, dy, dw, db),
        (x, w, b, y) => ConvTranspose2dReference.Forward<double>(g, x, w, b, y),
        (dy, w, dx) => ConvTranspose2dReference.BackwardData<double>(g, dy, w, dx),
        (x, dy, dw, db) => ConvTranspose2dReference.BackwardWeights<double>(g, x, dy, dw, db));

    public void ForwardMatchesReference(int seed)
    {
        var check = new KernelCheck(Name, Geometry, seed);
        var (x, w, b) = (check.Random("x", Geometry.InputShape), check.Random("w", WeightShape), check.Random("b", BiasShape));
        var y = check.Output("y", Geometry.OutputShape);
        check.FastMatchesReference(() => Forward(x.F, w.F, b.F, y.F), () => ReferenceForward(x.D, w.D, b.D, y.D), (y, 1e-4));
    }

    public void BackwardMatchesReference(int seed)
    {
        var check = new KernelCheck(Name, Geometry, seed);
        var (x, w, dy) = (check.Random("x", Geometry.InputShape), check.Random("w", WeightShape), check.Random("dy", Geometry.OutputShape));
        var (dx, dw, db) = (check.Output("dx", Geometry.InputShape), check.Output("dw", WeightShape), check.Output("db", BiasShape));
        check.FastMatchesReference(() => BackwardData(dy.F, w.F, dx.F), () => ReferenceBackwardData(dy.D, w.D, dx.D), (dx, 1e-4));
        check.FastMatchesReference(() => BackwardWeights(x.F, dy.F, dw.F, db.F), () => ReferenceBackwardWeights(x.D, dy.D, dw.D, db.D),
            (dw, 1e-4), (db, 1e-4));
    }

    public void ReferenceBackwardMatchesFiniteDifferences(int seed)
    {
        var check = new KernelCheck(Name + "Reference", Geometry, seed);
        check.ReferenceMatchesFiniteDifferences(Geometry.OutputShape.Length,
            [check.Random("x", Geometry.InputShape), check.Random("w", WeightShape), check.Random("b", BiasShape)],
            (v, y) => ReferenceForward(v[0], v[1], v[2], y),
            (v, dy, d) =>
            {
                ReferenceBackwardData(dy, v[1], d[0]);
                ReferenceBackwardWeights(v[0], dy, d[1], d[2]);
            });
    }
}
