using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>Nearest and bilinear (both corner conventions) share the test bodies, one data row per mode.</summary>
[TestClass]
public sealed class UpsampleTests
{
    /// <summary>The fast pair and the reference pair of one resize mode.</summary>
    private sealed record Mode(
        Action<Tensor, Tensor> Forward, Action<Tensor, Tensor> Backward,
        Action<double[], double[], int, int, int, int, int> ReferenceForward,
        Action<double[], double[], int, int, int, int, int> ReferenceBackward);

    private static readonly Dictionary<string, Mode> Modes = new()
    {
        ["nearest"] = new(UpsampleNearest.Forward, UpsampleNearest.Backward,
            (x, y, p, h, w, ho, wo) => UpsampleReference.NearestForward<double>(x, y, p, h, w, ho, wo),
            (dy, dx, p, h, w, ho, wo) => UpsampleReference.NearestBackward<double>(dy, dx, p, h, w, ho, wo)),
        ["bilinear"] = Bilinear(alignCorners: false),
        ["bilinear align_corners"] = Bilinear(alignCorners: true),
    };

    private static Mode Bilinear(bool alignCorners) => new(
        (x, y) => UpsampleBilinear.Forward(x, y, alignCorners), (dy, dx) => UpsampleBilinear.Backward(dy, dx, alignCorners),
        (x, y, p, h, w, ho, wo) => UpsampleReference.BilinearForward<double>(x, y, p, h, w, ho, wo, alignCorners),
        (dy, dx, p, h, w, ho, wo) => UpsampleReference.BilinearBackward<double>(dy, dx, p, h, w, ho, wo, alignCorners));

    public static IEnumerable<object[]> Names => Modes.Keys.Select(name => new object[] { name });

    // Identity, integer and arbitrary scales up and down, single pixels, and one threaded size.
    private static readonly (int[] In, int OutH, int OutW)[] Cases =
    [
        ([1, 1, 1, 1], 1, 1), ([1, 1, 1, 1], 3, 4), ([1, 3, 2, 3], 4, 6), ([2, 3, 3, 5], 7, 11), ([2, 3, 5, 7], 3, 4),
        ([1, 2, 4, 4], 4, 4), ([2, 1, 7, 9], 14, 27), ([1, 2, 14, 14], 20, 9), ([2, 16, 32, 32], 64, 64),
    ];

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        var mode = Modes[name];
        int seed = 0;
        foreach (var (shape, outH, outW) in Cases)
        {
            int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
            int[] outShape = [shape[0], shape[1], outH, outW];
            var check = new KernelCheck(name, $"{new TensorShape(shape)} → {new TensorShape(outShape)}", seed += 2);
            var (x, dy) = (check.Random("x", shape), check.Random("dy", outShape));
            var (y, dx) = (check.Output("y", outShape), check.Output("dx", shape));
            check.FastMatchesReference(() => mode.Forward(x.F, y.F), () => mode.ReferenceForward(x.D, y.D, planes, h, w, outH, outW), (y, 1e-5));
            check.FastMatchesReference(() => mode.Backward(dy.F, dx.F), () => mode.ReferenceBackward(dy.D, dx.D, planes, h, w, outH, outW),
                (dx, 1e-5));
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ReferenceBackwardMatchesFiniteDifferences(string name)
    {
        var mode = Modes[name];
        foreach (var (h, w, outH, outW) in new[] { (3, 4, 7, 9), (5, 6, 3, 4) })
        {
            const int planes = 2;
            var check = new KernelCheck(name + " reference", $"{h}×{w} → {outH}×{outW}", h * w);
            check.ReferenceMatchesFiniteDifferences(planes * outH * outW, [check.Random("x", planes, h, w)],
                (v, y) => mode.ReferenceForward(v[0], y, planes, h, w, outH, outW),
                (v, dy, d) => mode.ReferenceBackward(dy, d[0], planes, h, w, outH, outW));
        }
    }

    [TestMethod]
    public void BilinearHandComputedAsPyTorch()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 1, 2, 2);
        // F.interpolate(x, size=(4, 4), mode='bilinear', align_corners=False)
        var y = new Tensor(1, 1, 4, 4);
        UpsampleBilinear.Forward(x, y, alignCorners: false);
        Approx.AssertClose([1f, 1.25f, 1.75f, 2f, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3f, 3.25f, 3.75f, 4f],
            y.Span, 1e-6, "align_corners=False");
        // F.interpolate(x, size=(3, 3), mode='bilinear', align_corners=True)
        y = new Tensor(1, 1, 3, 3);
        UpsampleBilinear.Forward(x, y, alignCorners: true);
        Approx.AssertClose([1f, 1.5f, 2f, 2f, 2.5f, 3f, 3f, 3.5f, 4f], y.Span, 1e-6, "align_corners=True");
        // Backward of ones to 3×3 (align_corners=True): the corners get 1 + 2·½ + ¼ = 2.25 each.
        var dx = new Tensor(1, 1, 2, 2);
        UpsampleBilinear.Backward(Tensor.FromArray(Enumerable.Repeat(1f, 9).ToArray(), 1, 1, 3, 3), dx, alignCorners: true);
        Approx.AssertClose([2.25f, 2.25f, 2.25f, 2.25f], dx.Span, 1e-6, "backward");
    }

    [TestMethod]
    public void NearestHandComputed()
    {
        // Width 3 → 5 reads columns ⌊3j/5⌋ = 0, 0, 1, 1, 2; height 1 → 2 repeats the row.
        var y = new Tensor(1, 1, 2, 5);
        UpsampleNearest.Forward(Tensor.FromArray([1f, 2f, 3f], 1, 1, 1, 3), y);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 2f, 2f, 3f, 1f, 1f, 2f, 2f, 3f }, y.ToArray());
        var dx = new Tensor(1, 1, 1, 3);
        UpsampleNearest.Backward(Tensor.FromArray(Enumerable.Repeat(1f, 10).ToArray(), 1, 1, 2, 5), dx);
        CollectionAssert.AreEqual(new[] { 4f, 4f, 2f }, dx.ToArray());
        // Width 5 → 3 (down): columns 0, 1, 3.
        y = new Tensor(1, 1, 1, 3);
        UpsampleNearest.Forward(Tensor.FromArray([10f, 11f, 12f, 13f, 14f], 1, 1, 1, 5), y);
        CollectionAssert.AreEqual(new[] { 10f, 11f, 13f }, y.ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void BadArgumentsNameTheParameterAndTheShapes(string name)
    {
        var mode = Modes[name];
        var x = new Tensor(2, 3, 4, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => mode.Forward(x, new Tensor(2, 4, 8, 8)));
        Assert.AreEqual("y", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 4, 8, 8]");
        StringAssert.Contains(e.Message, "[2, 3, 4, 4]");
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => mode.Forward(x, new Tensor(2, 3, 8))).ParamName);
        Assert.AreEqual("x", Assert.ThrowsExactly<ArgumentException>(() => mode.Forward(new Tensor(2, 3, 4), x)).ParamName);
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(() => mode.Backward(new Tensor(1, 3, 8, 8), x)).ParamName);
        Assert.AreEqual("dx", Assert.ThrowsExactly<ArgumentException>(() => mode.Backward(x, new Tensor(2, 3, 4))).ParamName);
        // Resizing to the same size makes dy and dx the same shape; one tensor for both would be cleared before it is read.
        ArgumentAssert.Throws(() => mode.Backward(x, x), "dx", "shares storage with dy");
    }
}
