using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Kernels.ConvolutionTests;

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
            var (x, w, b) = (TestData.Tensor(1, Dims(g.InputShape)), TestData.Tensor(2, Dims(g.WeightShape)), TestData.Tensor(3, g.OutChannels));
            var dy = TestData.Tensor(4, Dims(g.OutputShape));
            var (y, dx, dw, db) = (new Tensor(g.OutputShape), new Tensor(g.InputShape), new Tensor(g.WeightShape), new Tensor(g.OutChannels));
            ConvTranspose2d.Forward(g, x, w, b, y);
            ConvTranspose2d.BackwardData(g, dy, w, dx);
            ConvTranspose2d.BackwardWeights(g, x, dy, dw, db);

            var (ey, edx, edw, edb) = (new double[y.Length], new double[dx.Length], new double[dw.Length], new double[db.Length]);
            ConvTranspose2dReference.Forward<double>(g, D(x), D(w), D(b), ey);
            ConvTranspose2dReference.BackwardData<double>(g, D(dy), D(w), edx);
            ConvTranspose2dReference.BackwardWeights<double>(g, D(x), D(dy), edw, edb);
            Approx.AssertClose(ey, y.Span, 1e-4, $"y {g}");
            Approx.AssertClose(edx, dx.Span, 1e-4, $"dx {g}");
            Approx.AssertClose(edw, dw.Span, 1e-4, $"dw {g}");
            Approx.AssertClose(edb, db.Span, 1e-4, $"db {g}");
        }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var g = new ConvTranspose2dGeometry(2, 4, 3, 4, 2, 3, 2, strideH: 2, padding: new Padding2d(1, 0, 0, 1), outputPaddingH: 1, groups: 2);
        double[] x = D(TestData.Tensor(5, Dims(g.InputShape))), w = D(TestData.Tensor(6, Dims(g.WeightShape))), b = [0.3, -0.2];
        double[] Forward(double[] xv, double[] wv, double[] bv)
        {
            var y = new double[g.OutputShape.Length];
            ConvTranspose2dReference.Forward<double>(g, xv, wv, bv, y);
            return y;
        }
        GradientCheck.AssertMatchesFiniteDifferences("dx", x, xv => Forward(xv, w, b), dy =>
        {
            var dx = new double[x.Length];
            ConvTranspose2dReference.BackwardData<double>(g, dy, w, dx);
            return dx;
        });
        GradientCheck.AssertMatchesFiniteDifferences("dw", w, wv => Forward(x, wv, b), dy =>
        {
            var dw = new double[w.Length];
            ConvTranspose2dReference.BackwardWeights<double>(g, x, dy, dw, new double[2]);
            return dw;
        });
        GradientCheck.AssertMatchesFiniteDifferences("db", b, bv => Forward(x, w, bv), dy =>
        {
            var db = new double[2];
            ConvTranspose2dReference.BackwardWeights<double>(g, x, dy, new double[w.Length], db);
            return db;
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
