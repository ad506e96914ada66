using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class LrnTests
{
    /// <summary>(shape, size, α, β, k): odd and even windows, a window wider than C, size 1, AlexNet's setting, and
    /// planes of more than one tile (256 positions).</summary>
    private static readonly (int[] Dims, int Size, float Alpha, float Beta, float K)[] Cases =
    [
        ([1, 1, 1, 1], 1, 0.5f, 0.75f, 1f),
        ([2, 5, 3, 4], 3, 2f, 0.75f, 1.5f),
        ([2, 6, 3, 3], 4, 1.5f, 1.3f, 2f),
        ([1, 3, 2, 5], 8, 1f, 0.5f, 1f),
        ([3, 7, 1, 1], 5, 1e-4f, 0.75f, 1f),
        ([1, 7, 17, 19], 5, 2f, 0.75f, 1f),
        ([2, 16, 30, 30], 5, 1e-1f, 0.75f, 2f), // large enough to be split over threads
    ];

    [TestMethod]
    public void HandComputedOddAndEvenWindows()
    {
        // One position, channels 1, 2, 3, β = 1, k = 1, α/size = 1: b_c = a_c / (1 + Σ_{W(c)} a²).
        var input = Tensor.FromArray([1, 2, 3], 1, 3, 1, 1);
        var output = new Tensor(1, 3, 1, 1);

        // size 3: W(c) = {c − 1, c, c + 1}: sums of squares 1 + 4, 1 + 4 + 9, 4 + 9.
        Lrn.Forward(input, output, size: 3, alpha: 3f, beta: 1f, k: 1f);
        Approx.AssertClose([1.0 / 6, 2.0 / 15, 3.0 / 14], output.Span, 1e-6, "size 3");

        // size 2 (ONNX): W(c) = {c, c + 1}: sums 1 + 4, 4 + 9, 9. (PyTorch's window would be {c − 1, c}.)
        Lrn.Forward(input, output, size: 2, alpha: 2f, beta: 1f, k: 1f);
        Approx.AssertClose([1.0 / 6, 2.0 / 14, 3.0 / 10], output.Span, 1e-6, "size 2");

        // size 3, β = 0.5, k = 2, α = 3: b = a / √(2 + Σ a²).
        Lrn.Forward(input, output, size: 3, alpha: 3f, beta: 0.5f, k: 2f);
        Approx.AssertClose([1 / Math.Sqrt(7), 2 / Math.Sqrt(16), 3 / Math.Sqrt(15)], output.Span, 1e-6, "β = 0.5");
    }

    [TestMethod]
    public void BackwardHandComputedForOneChannel()
    {
        // One channel, size 1: b = a / (k + α·a²)^β, so db/da = s^(−β) − 2αβ·a²·s^(−β−1) with s = k + α·a².
        // a = 2, α = 0.5, β = 1, k = 1: s = 3, db/da = 1/3 − 4/9 = −1/9.
        var gradInput = new Tensor(1, 1, 1, 1);
        Lrn.Backward(Tensor.FromArray([2f], 1, 1, 1, 1), Tensor.FromArray([3f], 1, 1, 1, 1), gradInput, 1, 0.5f, 1f, 1f);
        Approx.AssertClose([3 * (-1.0 / 9)], gradInput.Span, 1e-6, "db/da · dy");
    }

    [TestMethod]
    public void FastMatchesReferenceForwardAndBackward()
    {
        int seed = 900;
        foreach (var (dims, size, alpha, beta, k) in Cases)
        {
            var shape = new TensorShape(dims);
            var check = new KernelCheck("Lrn", $"{shape} size={size} α={alpha} β={beta} k={k}", seed += 2);
            var (x, dy) = (check.Random("x", shape, scale: 2f), check.Random("dy", shape));
            var (y, dx) = (check.Output("y", shape), check.Output("dx", shape));
            check.FastMatchesReference(() => Lrn.Forward(x.F, y.F, size, alpha, beta, k),
                () => LrnReference.Forward<double>(shape, size, alpha, beta, k, x.D, y.D), (y, 1e-5));
            check.FastMatchesReference(() => Lrn.Backward(x.F, dy.F, dx.F, size, alpha, beta, k),
                () => LrnReference.Backward<double>(shape, size, alpha, beta, k, x.D, dy.D, dx.D), (dx, 1e-5));
        }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        int seed = 1000;
        foreach (var (dims, size, alpha, beta, k) in Cases.Where(c => c.Dims.Aggregate(1, (a, b) => a * b) < 2000))
        {
            var shape = new TensorShape(dims);
            var check = new KernelCheck("LrnReference", $"{shape} size={size}", ++seed);
            check.ReferenceMatchesFiniteDifferences(shape.Length, [check.Random("x", shape, scale: 2f)],
                (v, y) => LrnReference.Forward<double>(shape, size, alpha, beta, k, v[0], y),
                (v, dy, d) => LrnReference.Backward<double>(shape, size, alpha, beta, k, v[0], dy, d[0]));
        }
    }

    [TestMethod]
    public void RejectsBadArgumentsNamingTheParameterAndValues()
    {
        var input = new Tensor(2, 3, 4, 5);
        var other = new Tensor(2, 3, 4, 5);
        ArgumentAssert.Throws(() => Lrn.Forward(input, other, 0, 1e-4f, 0.75f, 1f), "size", "0");
        ArgumentAssert.Throws(() => Lrn.Forward(input, other, 5, -1f, 0.75f, 1f), "alpha", "-1");
        ArgumentAssert.Throws(() => Lrn.Forward(input, other, 5, 1e-4f, float.NaN, 1f), "beta", "NaN");
        ArgumentAssert.Throws(() => Lrn.Forward(input, other, 5, 1e-4f, 0.75f, 0f), "k", "0");
        ArgumentAssert.Throws(() => Lrn.Forward(input, new Tensor(2, 4, 3, 5), 5, 1e-4f, 0.75f, 1f), "output", "[2, 4, 3, 5]", "[2, 3, 4, 5]");
        ArgumentAssert.Throws(() => Lrn.Forward(new Tensor(6, 20), new Tensor(6, 20), 5, 1e-4f, 0.75f, 1f), "input", "[6, 20]");
        ArgumentAssert.Throws(() => Lrn.Backward(input, new Tensor(2, 3, 4, 6), other, 5, 1e-4f, 0.75f, 1f), "gradOutput", "[2, 3, 4, 6]");
        ArgumentAssert.Throws(() => Lrn.Backward(input, other, new Tensor(1, 3, 4, 5), 5, 1e-4f, 0.75f, 1f), "gradInput", "[1, 3, 4, 5]");
        // In place, channel c would be overwritten before the windows of c + 1 … c + size/2 read it.
        ArgumentAssert.Throws(() => Lrn.Forward(input, input, 5, 1e-4f, 0.75f, 1f), "output", "shares storage with input");
        ArgumentAssert.Throws(() => Lrn.Backward(input, other, other, 5, 1e-4f, 0.75f, 1f), "gradInput", "shares storage with gradOutput");
        ArgumentAssert.Throws(() => Lrn.Backward(input, other, input, 5, 1e-4f, 0.75f, 1f), "gradInput", "shares storage with input");
    }
}
