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

    [TestMethod]
    public void ForwardMatchesReference()
    {
        int seed = 0;
        foreach (var (n, inF, outF) in Shapes)
            foreach (bool withBias in new[] { true, false })
            {
                seed += 3;
                var input = TestData.Tensor(seed, n, inF);
                var weight = TestData.Tensor(seed + 1, outF, inF);
                var bias = withBias ? TestData.Tensor(seed + 2, outF) : null;
                var output = new Tensor(n, outF);
                output.Span.Fill(float.NaN); // every element must be written

                Dense.Forward(input, weight, bias, output);

                var expected = new double[n * outF];
                DenseReference.Forward<double>(n, inF, outF, TestData.ToDouble(input.Span), TestData.ToDouble(weight.Span),
                    bias is null ? [] : TestData.ToDouble(bias.Span), expected);
                Approx.AssertClose(expected, output.Span, 1e-4, $"output N={n} In={inF} Out={outF} bias={withBias}");
            }
    }

    [TestMethod]
    public void BackwardMatchesReference()
    {
        int seed = 100;
        foreach (var (n, inF, outF) in Shapes)
            foreach (bool withBias in new[] { true, false })
            {
                seed += 3;
                var input = TestData.Tensor(seed, n, inF);
                var weight = TestData.Tensor(seed + 1, outF, inF);
                var gradOutput = TestData.Tensor(seed + 2, n, outF);
                var gradInput = new Tensor(n, inF);
                var gradWeight = new Tensor(outF, inF);
                var gradBias = withBias ? new Tensor(outF) : null;
                // Stale values must be overwritten, not accumulated onto.
                gradInput.Span.Fill(float.NaN);
                gradWeight.Span.Fill(float.NaN);
                gradBias?.Span.Fill(float.NaN);

                Dense.BackwardData(gradOutput, weight, gradInput);
                Dense.BackwardWeights(input, gradOutput, gradWeight, gradBias);

                double[] x = TestData.ToDouble(input.Span), w = TestData.ToDouble(weight.Span), dy = TestData.ToDouble(gradOutput.Span);
                var expectedInput = new double[n * inF];
                var expectedWeight = new double[outF * inF];
                var expectedBias = new double[withBias ? outF : 0];
                DenseReference.BackwardData<double>(n, inF, outF, dy, w, expectedInput);
                DenseReference.BackwardWeights<double>(n, inF, outF, x, dy, expectedWeight, expectedBias);

                string what = $"N={n} In={inF} Out={outF} bias={withBias}";
                Approx.AssertClose(expectedInput, gradInput.Span, 1e-4, "gradInput " + what);
                Approx.AssertClose(expectedWeight, gradWeight.Span, 1e-4, "gradWeight " + what);
                if (gradBias is not null) Approx.AssertClose(expectedBias, gradBias.Span, 1e-4, "gradBias " + what);
            }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        foreach (var (n, inF, outF) in new[] { (1, 3, 2), (4, 7, 5) })
        {
            double[] x = TestData.ToDouble(TestData.Floats(1, n * inF));
            double[] w = TestData.ToDouble(TestData.Floats(2, outF * inF));
            double[] b = TestData.ToDouble(TestData.Floats(3, outF));
            double[] Forward(double[] xs, double[] ws, double[] bs)
            {
                var y = new double[n * outF];
                DenseReference.Forward<double>(n, inF, outF, xs, ws, bs, y);
                return y;
            }
            string shape = $"N={n} In={inF} Out={outF}";

            GradientCheck.AssertMatchesFiniteDifferences("dInput " + shape, x, xs => Forward(xs, w, b), dy =>
            {
                var dx = new double[n * inF];
                DenseReference.BackwardData<double>(n, inF, outF, dy, w, dx);
                return dx;
            });
            GradientCheck.AssertMatchesFiniteDifferences("dWeight " + shape, w, ws => Forward(x, ws, b), dy =>
            {
                var dw = new double[outF * inF];
                DenseReference.BackwardWeights<double>(n, inF, outF, x, dy, dw, []);
                return dw;
            });
            GradientCheck.AssertMatchesFiniteDifferences("dBias " + shape, b, bs => Forward(x, w, bs), dy =>
            {
                var dw = new double[outF * inF];
                var db = new double[outF];
                DenseReference.BackwardWeights<double>(n, inF, outF, x, dy, dw, db);
                return db;
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
