using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>ConvTranspose2d (built on Conv2d's passes) against the scatter definition in <see cref="ConvTranspose2dReference"/>.</summary>
[TestClass]
public sealed class ConvTransposeTests
{
    private static IEnumerable<ConvTranspose2dGeometry> Cases() =>
    [
        new(1, 1, 3, 3, 1, 3, 3),
        new(2, 4, 5, 6, 3, 3, 3, strideH: 2, strideW: 2, padding: Padding2d.Symmetric(1), outputPaddingH: 1, outputPaddingW: 1),
        new(2, 6, 4, 5, 4, 4, 3, strideH: 3, strideW: 2, padding: new Padding2d(1, 0, 2, 1), outputPaddingH: 2, dilationW: 2, groups: 2),
        new(3, 4, 7, 6, 8, 3, 3, padding: Padding2d.Symmetric(1), groups: 4),                     // depthwise-like
        new(2, 5, 6, 7, 3, 2, 2, strideH: 2, strideW: 2),                                         // UNet up-sampling
        new(1, 3, 4, 4, 2, 1, 1),
    ];

    [TestMethod]
    public void ForwardAndBackwardMatchReference()
    {
        foreach (var g in Cases())
        {
            var check = new KernelCheck("ConvTranspose2d", g, seed: 1);
            var (x, w, b) = (check.Random("x", g.InputShape), check.Random("w", g.WeightShape), check.Random("b", g.OutChannels));
            var dy = check.Random("dy", g.OutputShape);
            var (y, dx) = (check.Output("y", g.OutputShape), check.Output("dx", g.InputShape));
            var (dw, db) = (check.Output("dw", g.WeightShape), check.Output("db", g.OutChannels));
            check.FastMatchesReference(() => ConvTranspose2d.Forward(g, x.F, w.F, b.F, y.F),
                () => ConvTranspose2dReference.Forward<double>(g, x.D, w.D, b.D, y.D), (y, 1e-4));
            check.FastMatchesReference(() => ConvTranspose2d.BackwardData(g, dy.F, w.F, dx.F),
                () => ConvTranspose2dReference.BackwardData<double>(g, dy.D, w.D, dx.D), (dx, 1e-4));
            check.FastMatchesReference(() => ConvTranspose2d.BackwardWeights(g, x.F, dy.F, dw.F, db.F),
                () => ConvTranspose2dReference.BackwardWeights<double>(g, x.D, dy.D, dw.D, db.D), (dw, 1e-4), (db, 1e-4));
        }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var g = new ConvTranspose2dGeometry(2, 4, 3, 4, 2, 3, 2, strideH: 2, padding: new Padding2d(1, 0, 0, 1), outputPaddingH: 1, groups: 2);
        var check = new KernelCheck("ConvTranspose2dReference", g, seed: 5);
        check.ReferenceMatchesFiniteDifferences(g.OutputShape.Length,
            [check.Random("x", g.InputShape), check.Random("w", g.WeightShape), check.From("b", [0.3, -0.2])],
            (v, y) => ConvTranspose2dReference.Forward<double>(g, v[0], v[1], v[2], y),
            (v, dy, d) =>
            {
                ConvTranspose2dReference.BackwardData<double>(g, dy, v[1], d[0]);
                ConvTranspose2dReference.BackwardWeights<double>(g, v[0], dy, d[1], d[2]);
            });
    }

    [TestMethod]
    public void OutputSizeFollowsPyTorch()
    {
        // torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) maps 5×5 to 10×10.
        var g = new ConvTranspose2dGeometry(1, 1, 5, 5, 1, 3, 3, 2, 2, Padding2d.Symmetric(1), 1, 1);
        Assert.AreEqual(new TensorShape(1, 1, 10, 10), g.OutputShape);
        Assert.AreEqual(new TensorShape(1, 1, 3, 3), g.WeightShape);
    }

    [TestMethod]
    public void BadArgumentsNameTheParameter()
    {
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 1, 5, 5, 1, 3, 3, outputPaddingH: 1), "outputPaddingH", "smaller than strideH");
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 3, 5, 5, 4, 3, 3, groups: 2), "groups", "divisible");
        ArgumentAssert.Throws(() => new ConvTranspose2dGeometry(1, 1, 1, 1, 1, 1, 1, padding: Padding2d.Symmetric(1)), "padding", "empty output");
        var g = new ConvTranspose2dGeometry(1, 2, 4, 4, 3, 3, 3);
        ArgumentAssert.Throws(() =>
            ConvTranspose2d.Forward(g, new Tensor(1, 3, 4, 4), new Tensor(g.WeightShape), null, new Tensor(g.OutputShape)), "input", "expected [1, 2, 4, 4]");
    }
}
