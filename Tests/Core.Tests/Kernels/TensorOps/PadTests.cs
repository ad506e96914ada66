using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class PadTests
{
    private static readonly int[][] Shapes = [[1, 1, 1, 1], [1, 2, 5, 7], [2, 3, 4, 9], [3, 16, 32, 32]];

    private static readonly Padding2d[] Paddings =
        [Padding2d.None, Padding2d.Symmetric(1), new(2, 0, 1, 3), new(0, 3, 2, 0), new(3, 1, 0, 2)];

    public static IEnumerable<object[]> Modes => Enum.GetValues<PadMode>().Select(mode => new object[] { mode });

    private static bool Allowed(PadMode mode, int[] shape, Padding2d p) =>
        mode != PadMode.Reflect || (Math.Max(p.Top, p.Bottom) < shape[2] && Math.Max(p.Left, p.Right) < shape[3]);

    [TestMethod]
    [DynamicData(nameof(Modes))]
    public void ForwardAndBackwardMatchReference(PadMode mode)
    {
        int seed = 0;
        foreach (int[] shape in Shapes)
            foreach (var padding in Paddings.Where(p => Allowed(mode, shape, p)))
            {
                seed++;
                int planes = shape[0] * shape[1], height = shape[2], width = shape[3];
                float value = seed % 2 == 0 ? 0f : 2.5f;
                var padded = Pad.PaddedShape(new TensorShape(shape), padding);
                var check = new KernelCheck($"Pad {mode}", $"{new TensorShape(shape)} {padding}", seed * 2);
                var (x, dy) = (check.Random("x", shape), check.Random("dy", padded));
                var (y, dx) = (check.Output("y", padded), check.Output("dx", shape));
                check.FastMatchesReference(() => Pad.Forward(x.F, y.F, padding, mode, value),
                    () => PadReference.Forward<double>(x.D, y.D, planes, height, width, padding, mode, value), (y, 0));
                check.FastMatchesReference(() => Pad.Backward(dy.F, dx.F, padding, mode),
                    () => PadReference.Backward<double>(dy.D, dx.D, planes, height, width, padding, mode), (dx, 1e-6));
            }
    }

    [TestMethod]
    [DynamicData(nameof(Modes))]
    public void ReferenceBackwardMatchesFiniteDifferences(PadMode mode)
    {
        const int planes = 2, height = 3, width = 4;
        var padding = new Padding2d(2, 1, 1, 3);
        var check = new KernelCheck($"Pad {mode} reference", $"[{planes}, {height}, {width}] {padding}", seed: 9);
        check.ReferenceMatchesFiniteDifferences(planes * (height + 3) * (width + 4), [check.Random("x", planes, height, width)],
            (v, y) => PadReference.Forward<double>(v[0], y, planes, height, width, padding, mode, 1.5),
            (v, dy, d) => PadReference.Backward<double>(dy, d[0], planes, height, width, padding, mode));
    }

    [TestMethod]
    [DataRow(PadMode.Constant, new[] { 5f, 5f, 1f, 2f, 3f, 5f }, new[] { 1f, 1f, 1f })]
    [DataRow(PadMode.Reflect, new[] { 3f, 2f, 1f, 2f, 3f, 2f }, new[] { 1f, 3f, 2f })]
    [DataRow(PadMode.Replicate, new[] { 1f, 1f, 1f, 2f, 3f, 3f }, new[] { 3f, 1f, 2f })]
    public void HandComputedRow(PadMode mode, float[] expected, float[] expectedDx)
    {
        // x = (1, 2, 3) padded 2 on the left and 1 on the right; backward of ones counts the reads of each pixel.
        var x = Tensor.FromArray([1f, 2f, 3f], 1, 1, 1, 3);
        var padding = new Padding2d(0, 2, 0, 1);
        var y = new Tensor(1, 1, 1, 6);
        Pad.Forward(x, y, padding, mode, 5f);
        CollectionAssert.AreEqual(expected, y.ToArray());
        var dx = new Tensor(1, 1, 1, 3);
        Pad.Backward(Tensor.FromArray([1f, 1f, 1f, 1f, 1f, 1f], 1, 1, 1, 6), dx, padding, mode);
        CollectionAssert.AreEqual(expectedDx, dx.ToArray());
    }

    [TestMethod]
    public void HandComputedReflectOfASquare()
    {
        // [[1, 2], [3, 4]] reflected by 1 on every side: rows and columns read 1, 0, 1, 0.
        var y = new Tensor(1, 1, 4, 4);
        Pad.Forward(Tensor.FromArray([1f, 2f, 3f, 4f], 1, 1, 2, 2), y, Padding2d.Symmetric(1), PadMode.Reflect);
        CollectionAssert.AreEqual(new[] { 4f, 3f, 4f, 3f, 2f, 1f, 2f, 1f, 4f, 3f, 4f, 3f, 2f, 1f, 2f, 1f }, y.ToArray());
    }

    [TestMethod]
    public void BadArgumentsNameTheParameterAndTheShapes()
    {
        var x = new Tensor(1, 2, 3, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Forward(x, new Tensor(1, 2, 5, 5), Padding2d.Symmetric(1), PadMode.Constant));
        Assert.AreEqual("y", e.ParamName);
        StringAssert.Contains(e.Message, "[1, 2, 5, 5]");
        StringAssert.Contains(e.Message, "[1, 2, 5, 6]");
        e = Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Forward(x, new Tensor(1, 2, 9, 4), new Padding2d(3, 0, 3, 0), PadMode.Reflect));
        Assert.AreEqual("padding", e.ParamName);
        StringAssert.Contains(e.Message, "[1, 2, 3, 4]");
        Assert.AreEqual("padding.Left", Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Forward(x, new Tensor(1, 2, 3, 3), new Padding2d(0, -1, 0, 0), PadMode.Constant)).ParamName);
        Assert.AreEqual("x", Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Forward(new Tensor(2, 3, 4), new Tensor(2, 3, 4), Padding2d.None, PadMode.Constant)).ParamName);
        Assert.AreEqual("mode", Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Forward(x, new Tensor(1, 2, 3, 4), Padding2d.None, (PadMode)7)).ParamName);
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(
            () => Pad.Backward(new Tensor(1, 2, 3, 4), x, Padding2d.Symmetric(1), PadMode.Replicate)).ParamName);
        // Zero padding makes dy and dx the same shape; one tensor for both would be cleared before it is read.
        ArgumentAssert.Throws(() => Pad.Backward(x, x, Padding2d.None, PadMode.Constant), "dx", "shares storage with dy");
    }
}
