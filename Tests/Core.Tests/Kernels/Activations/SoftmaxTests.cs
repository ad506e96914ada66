using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>Softmax and LogSoftmax share every test body (one data row each), checked against <see cref="SoftmaxReference"/>.</summary>
[TestClass]
public sealed class SoftmaxTests
{
    /// <summary>The fast pair and the reference pair of one of the two ops.</summary>
    private sealed record Op(
        Action<Tensor, Tensor, int> Forward, Action<Tensor, Tensor, Tensor, int> Backward,
        Action<double[], double[], int, int, int> ReferenceForward,
        Action<double[], double[], double[], int, int, int> ReferenceBackward);

    private static readonly Dictionary<string, Op> Ops = new()
    {
        ["Softmax"] = new(Softmax.Forward, Softmax.Backward,
            (x, y, o, c, i) => SoftmaxReference.Forward<double>(x, y, o, c, i),
            (y, dy, dx, o, c, i) => SoftmaxReference.Backward<double>(y, dy, dx, o, c, i)),
        ["LogSoftmax"] = new(LogSoftmax.Forward, LogSoftmax.Backward,
            (x, y, o, c, i) => SoftmaxReference.LogForward<double>(x, y, o, c, i),
            (y, dy, dx, o, c, i) => SoftmaxReference.LogBackward<double>(y, dy, dx, o, c, i)),
    };

    public static IEnumerable<object[]> Names => Ops.Keys.Select(name => new object[] { name });

    // Class axis of [N, C] and [N, C, H, W], other axes (last, first, middle), odd sizes, and sizes that take the
    // threaded path or several position blocks.
    private static readonly (int[] Shape, int Axis)[] Cases =
    [
        ([1, 1], 1), ([1, 10], 1), ([5, 17], 1), ([7, 1000], 1), ([2000, 40], 1),
        ([1, 3, 5, 7], 1), ([2, 21, 9, 11], 1), ([2, 4, 33, 35], 1), ([1, 19, 64, 65], 1),
        ([2, 3, 4, 5], -1), ([3, 4, 5], 0), ([2, 6, 7, 3], 2),
    ];

    private static (int Outer, int Classes, int Inner) Geometry(int[] shape, int axis)
    {
        if (axis < 0) axis += shape.Length;
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        return (outer, shape[axis], inner);
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        var op = Ops[name];
        int seed = 0;
        foreach (var (shape, axis) in Cases)
        {
            seed++;
            var (outer, classes, inner) = Geometry(shape, axis);
            var check = new KernelCheck(name, $"{new TensorShape(shape)} axis {axis}", seed);
            var (x, y) = (check.Random("x", new TensorShape(shape), scale: 6f), check.Output("y", shape));
            var (dy, dx) = (check.Random("dy", shape), check.Output("dx", shape));
            check.FastMatchesReference(() => op.Forward(x.F, y.F, axis), () => op.ReferenceForward(x.D, y.D, outer, classes, inner), (y, 1e-5));
            // Each side's backward reads its own forward's y.
            check.FastMatchesReference(() => op.Backward(y.F, dy.F, dx.F, axis),
                () => op.ReferenceBackward(y.D, dy.D, dx.D, outer, classes, inner), (dx, 1e-4));
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ReferenceBackwardMatchesFiniteDifferences(string name)
    {
        var op = Ops[name];
        foreach (var (outer, classes, inner) in new[] { (3, 7, 1), (2, 5, 6) })
        {
            var check = new KernelCheck(name + " reference", $"[{outer}, {classes}, {inner}]", outer + classes);
            check.ReferenceMatchesFiniteDifferences(outer * classes * inner, [check.Random("x", new TensorShape(outer * classes * inner), scale: 3f)],
                (v, y) => op.ReferenceForward(v[0], y, outer, classes, inner),
                (v, dy, d) =>
                {
                    var y = new double[v[0].Length];
                    op.ReferenceForward(v[0], y, outer, classes, inner);
                    op.ReferenceBackward(y, dy, d[0], outer, classes, inner);
                });
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void MayRunInPlace(string name)
    {
        var op = Ops[name];
        foreach (int[] shape in new[] { new[] { 3, 9 }, new[] { 2, 5, 3, 7 } })
        {
            var x = TestData.Tensor(11, shape);
            var expected = new Tensor(shape);
            op.Forward(x, expected, 1);
            op.Forward(x, x, 1);
            Approx.AssertClose(expected.Span, x.Span, 0, $"{name} {x.Shape} forward in place");
            var dy = TestData.Tensor(12, shape);
            var expectedDx = new Tensor(shape);
            op.Backward(x, dy, expectedDx, 1);
            op.Backward(x, dy, dy, 1);
            Approx.AssertClose(expectedDx.Span, dy.Span, 0, $"{name} {x.Shape} backward into dy");
        }
    }

    // Hand-computed: softmax(1, 2, 3) = e^(c−3) / (1 + e^−1 + e^−2); logits ±1e4 and beyond 88 (where e^x overflows
    // float) only shift the max: softmax(1e4, 1e4 − 1, −1e4, 88.7, 100) = (1, e^−1, 0, 0, 0) / (1 + e^−1).
    [TestMethod]
    public void HandComputedAndLargeLogits()
    {
        float[][] rows =
        [
            [1f, 2f, 3f, 0f, 0f],
            [1e4f, 1e4f - 1f, -1e4f, 88.7f, 100f],
            [-1e4f, -1e4f, -1e4f, -1e4f, -1e4f],
            [3e38f, 3e38f, -3e38f, 0f, 89f],
        ];
        double lse1 = Math.Log(Math.Exp(-2) + Math.Exp(-1) + 1 + 2 * Math.Exp(-3));
        double lse2 = Math.Log(1 + Math.Exp(-1));
        double[][] expectedLog =
        [
            [1 - 3 - lse1, 2 - 3 - lse1, -lse1, -3 - lse1, -3 - lse1],
            [-lse2, -1 - lse2, -2e4 - lse2, 88.7 - 1e4 - lse2, 100 - 1e4 - lse2],
            [-Math.Log(5), -Math.Log(5), -Math.Log(5), -Math.Log(5), -Math.Log(5)],
            [-Math.Log(2), -Math.Log(2), double.NegativeInfinity, -3e38, -3e38],
        ];
        // [N, C] rows, and the same logits laid out pixel-wise as [1, C, 1, N] (class axis strided).
        var flat = rows.SelectMany(r => r).ToArray();
        var pixelwise = new float[flat.Length];
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 5; c++) pixelwise[c * 4 + n] = flat[n * 5 + c];
        foreach (bool strided in new[] { false, true })
        {
            var x = strided ? Tensor.FromArray(pixelwise, 1, 5, 1, 4) : Tensor.FromArray(flat, 4, 5);
            var p = new Tensor(x.Shape);
            var logP = new Tensor(x.Shape);
            Softmax.Forward(x, p);
            LogSoftmax.Forward(x, logP);
            for (int n = 0; n < 4; n++)
                for (int c = 0; c < 5; c++)
                {
                    int at = strided ? c * 4 + n : n * 5 + c;
                    double expected = expectedLog[n][c];
                    string what = $"row {n} class {c} strided={strided}";
                    Assert.IsTrue(float.IsFinite(p.Span[at]), what);
                    Assert.AreEqual(Math.Exp(expected), p.Span[at], 1e-6, "softmax " + what);
                    if (double.IsNegativeInfinity(expected))
                        Assert.IsTrue(logP.Span[at] < -1e38f, $"log-softmax {what}: {logP.Span[at]}");
                    else
                        Assert.AreEqual(expected, logP.Span[at], 1e-6 * Math.Max(1, Math.Abs(expected)), "log-softmax " + what);
                }
        }
    }

    [TestMethod]
    public void BackwardHandComputed()
    {
        // y = (0.25, 0.75), dy = (1, 0): Σ dy·y = 0.25, dx = y·(dy − 0.25) = (0.1875, −0.1875).
        var dx = new Tensor(1, 2);
        Softmax.Backward(Tensor.FromArray([0.25f, 0.75f], 1, 2), Tensor.FromArray([1f, 0f], 1, 2), dx);
        CollectionAssert.AreEqual(new[] { 0.1875f, -0.1875f }, dx.ToArray());
        // log y = log(0.25, 0.75), dy = (1, 0): dx = dy − y·Σdy = (0.75, −0.75).
        LogSoftmax.Backward(Tensor.FromArray([MathF.Log(0.25f), MathF.Log(0.75f)], 1, 2), Tensor.FromArray([1f, 0f], 1, 2), dx);
        Approx.AssertClose([0.75f, -0.75f], dx.Span, 1e-7, "log-softmax backward");
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void BadArgumentsNameTheParameterAndTheShapes(string name)
    {
        var op = Ops[name];
        var x = new Tensor(2, 3, 4, 5);
        var e = Assert.ThrowsExactly<ArgumentException>(() => op.Forward(x, new Tensor(2, 3, 4, 5), 4));
        Assert.AreEqual("axis", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3, 4, 5]");
        Assert.AreEqual("axis", Assert.ThrowsExactly<ArgumentException>(() => op.Forward(x, new Tensor(2, 3, 4, 5), -5)).ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => op.Forward(x, new Tensor(2, 3, 5, 4), 1));
        Assert.AreEqual("y", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3, 5, 4]");
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(
            () => op.Backward(x, new Tensor(2, 3, 4), new Tensor(2, 3, 4, 5), 1)).ParamName);
        Assert.AreEqual("dx", Assert.ThrowsExactly<ArgumentException>(
            () => op.Backward(x, new Tensor(2, 3, 4, 5), new Tensor(2, 3, 4, 6), 1)).ParamName);
    }

    [TestMethod]
    public void SoftmaxBackwardRefusesToWriteIntoItsOutput()
    {
        var y = new Tensor(2, 3);
        Assert.AreEqual("dx", Assert.ThrowsExactly<ArgumentException>(() => Softmax.Backward(y, new Tensor(2, 3), y)).ParamName);
    }
}
