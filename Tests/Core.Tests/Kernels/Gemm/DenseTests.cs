using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class DenseTests
{
    // (N, In, Out): single samples, odd sizes, sizes straddling the GEMM tiles (8×32 / 6×16) and KC = 256.
    private static readonly (int N, int In, int Out)[] Shapes =
        [(1, 1, 1), (1, 7, 3), (1, 300, 10), (2, 5, 33), (5, 33, 17), (9, 64, 31), (64, 257, 10), (3, 513, 65)];

    /// <summary>Every shape with and without a bias, each case with its own check (and seeds from <paramref name="seed"/> on).</summary>
    private static IEnumerable<(int N, int In, int Out, bool Bias, KernelCheck Check)> Cases(int seed)
    {
        foreach (var (n, inF, outF) in Shapes)
            foreach (bool bias in new[] { true, false })
                yield return (n, inF, outF, bias, new KernelCheck("Dense", $"N={n} In={inF} Out={outF} bias={bias}", seed += 3));
    }

    [TestMethod]
    public void ForwardMatchesReference()
    {
        foreach (var (n, inF, outF, withBias, check) in Cases(seed: 0))
        {
            var (x, w) = (check.Random("x", n, inF), check.Random("w", outF, inF));
            var b = withBias ? check.Random("b", outF) : null;
            var y = check.Output("y", n, outF);
            check.FastMatchesReference(() => Dense.Forward(x.F, w.F, b?.F, y.F),
                () => DenseReference.Forward<double>(n, inF, outF, x.D, w.D, b?.D ?? [], y.D), (y, 1e-4));
        }
    }

    [TestMethod]
    public void BackwardMatchesReference()
    {
        foreach (var (n, inF, outF, withBias, check) in Cases(seed: 100))
        {
            var (x, w, dy) = (check.Random("x", n, inF), check.Random("w", outF, inF), check.Random("dy", n, outF));
            var (dx, dw) = (check.Output("dx", n, inF), check.Output("dw", outF, inF));
            var db = withBias ? check.Output("db", outF) : null;
            check.FastMatchesReference(() => Dense.BackwardData(dy.F, w.F, dx.F),
                () => DenseReference.BackwardData<double>(n, inF, outF, dy.D, w.D, dx.D), (dx, 1e-4));
            (KernelCheck.Operand, double)[] weightGradients = db is null ? [(dw, 1e-4)] : [(dw, 1e-4), (db, 1e-4)];
            check.FastMatchesReference(() => Dense.BackwardWeights(x.F, dy.F, dw.F, db?.F),
                () => DenseReference.BackwardWeights<double>(n, inF, outF, x.D, dy.D, dw.D, db?.D ?? []), weightGradients);
        }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        foreach (var (n, inF, outF) in new[] { (1, 3, 2), (4, 7, 5) })
        {
            var check = new KernelCheck("DenseReference", $"N={n} In={inF} Out={outF}");
            check.ReferenceMatchesFiniteDifferences(n * outF, [check.Random("x", n, inF), check.Random("w", outF, inF), check.Random("b", outF)],
                (v, y) => DenseReference.Forward<double>(n, inF, outF, v[0], v[1], v[2], y),
                (v, dy, d) =>
                {
                    DenseReference.BackwardData<double>(n, inF, outF, dy, v[1], d[0]);
                    DenseReference.BackwardWeights<double>(n, inF, outF, v[0], dy, d[1], d[2]);
                });
        }
    }

    [TestMethod]
    public void BadShapesThrowNamingTheParameterAndShapes()
    {
        Tensor x = new(4, 3), w = new(5, 3), b = new(5), y = new(4, 5);
        // The weight [Out, In] fixes the layer's sizes; the batch size comes from input / gradOutput.
        AssertThrows("input", "[4, 4]", () => Dense.Forward(new Tensor(4, 4), w, b, y));
        AssertThrows("weight", "[5, 3, 1]", () => Dense.Forward(x, new Tensor(5, 3, 1), b, y));
        AssertThrows("output", "[4, 6]", () => Dense.Forward(x, w, b, new Tensor(4, 6)));
        AssertThrows("bias", "[6]", () => Dense.Forward(x, w, new Tensor(6), y));
        AssertThrows("input", "[4, 3, 1]", () => Dense.Forward(new Tensor(4, 3, 1), w, b, y));
        AssertThrows("gradInput", "[4, 2]", () => Dense.BackwardData(y, w, new Tensor(4, 2)));
        AssertThrows("gradOutput", "[4, 6]", () => Dense.BackwardData(new Tensor(4, 6), w, x));
        AssertThrows("gradWeight", "[3, 5]", () => Dense.BackwardWeights(x, y, new Tensor(3, 5), b));
        AssertThrows("gradBias", "[4]", () => Dense.BackwardWeights(x, y, w, new Tensor(4)));
        // A square layer admits output = input by shape; the bias copy and the GEMM would overwrite x before reading it.
        Tensor square = new(3, 3), b3 = new(3);
        AssertThrows("output", "shares storage with input", () => Dense.Forward(x, square, b3, x));
        AssertThrows("gradInput", "shares storage with gradOutput", () => Dense.BackwardData(x, square, x));
    }

    private static void AssertThrows(string parameter, string shapeSeen, Action call)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(call);
        Assert.AreEqual(parameter, e.ParamName);
        StringAssert.Contains(e.Message, shapeSeen);
    }
}
