using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class BatchNormTests
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    /// <summary>Batch 1 and more, odd planes, 1×1 planes, and one large enough to be split over threads.</summary>
    private static readonly int[][] Shapes = [[1, 1, 1, 2], [2, 3, 5, 7], [1, 4, 3, 3], [4, 2, 1, 1], [3, 5, 16, 17], [2, 8, 40, 41]];

    [TestMethod]
    public void TrainingHandComputedIncludingRunningStatistics()
    {
        // One channel holding 1, 2, 3, 6 (N = 2, W = 2): μ = 3, biased σ² = (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3.
        var input = Tensor.FromArray([1, 2, 3, 6], 2, 1, 1, 2);
        var p = new Parameters(1, gamma: 2f, beta: 0.5f, runningMean: 1f, runningVar: 2f);
        var output = new Tensor(2, 1, 1, 2);
        BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Momentum, Epsilon, output, p.SaveMean, p.SaveInvStd);

        double invStd = 1 / Math.Sqrt(3.5 + Epsilon);
        Approx.AssertClose(new[] { 1, 2, 3, 6 }.Select(x => 2 * (x - 3) * invStd + 0.5).ToArray(), output.Span, 1e-6, "output");
        Approx.AssertClose([3.0], p.SaveMean.Span, 1e-7, "saved mean");
        Approx.AssertClose([invStd], p.SaveInvStd.Span, 1e-6, "saved 1/std");
        // running ← 0.9·running + 0.1·batch, with the unbiased variance (PyTorch).
        Approx.AssertClose([0.9 * 1 + 0.1 * 3], p.RunningMean.Span, 1e-6, "running mean");
        Approx.AssertClose([0.9 * 2 + 0.1 * 14.0 / 3], p.RunningVar.Span, 1e-6, "running var");
    }

    [TestMethod]
    public void InferenceHandComputedUsesRunningStatisticsAndLeavesThemAlone()
    {
        var input = Tensor.FromArray([1, 2, 3, 6, -1, 0], 1, 2, 1, 3);
        var gamma = Tensor.FromArray([2f, -1f], 2);
        var beta = Tensor.FromArray([0.5f, 3f], 2);
        var runningMean = Tensor.FromArray([1f, -2f], 2);
        var runningVar = Tensor.FromArray([4f, 0.25f], 2);
        var output = new Tensor(1, 2, 1, 3);
        BatchNorm2d.ForwardInference(input, gamma, beta, runningMean, runningVar, 1e-3f, output);

        double s0 = 1 / Math.Sqrt(4 + 1e-3), s1 = 1 / Math.Sqrt(0.25 + 1e-3);
        double[] expected = [2 * (1 - 1) * s0 + 0.5, 2 * (2 - 1) * s0 + 0.5, 2 * (3 - 1) * s0 + 0.5,
            -(6 + 2) * s1 + 3, -(-1 + 2) * s1 + 3, -(0 + 2) * s1 + 3];
        Approx.AssertClose(expected, output.Span, 1e-6, "inference output");
        CollectionAssert.AreEqual(new[] { 1f, -2f }, runningMean.ToArray());
        CollectionAssert.AreEqual(new[] { 4f, 0.25f }, runningVar.ToArray());

        // Backward in inference mode: the statistics are constants, dx = γ·dy/√(var + ε).
        var gradOutput = Tensor.FromArray([1, 1, 1, 2, 2, 2], 1, 2, 1, 3);
        var (gradInput, gradGamma, gradBeta) = (new Tensor(1, 2, 1, 3), new Tensor(2), new Tensor(2));
        BatchNorm2d.BackwardInference(input, gradOutput, gamma, runningMean, runningVar, 1e-3f, gradInput, gradGamma, gradBeta);
        Approx.AssertClose([2 * s0, 2 * s0, 2 * s0, -2 * s1, -2 * s1, -2 * s1], gradInput.Span, 1e-6, "inference dx");
        Approx.AssertClose([(0 + 1 + 2) * s0, 2 * (8 + 1 + 2) * s1], gradGamma.Span, 1e-6, "inference dγ");
        Approx.AssertClose([3.0, 6.0], gradBeta.Span, 1e-6, "inference dβ");
    }

    [TestMethod]
    public void TrainingBackwardHandComputed()
    {
        // With two values per channel x̂ = ±1 whatever the values are, so y = γ·x̂ + β cannot change with x: dx = 0.
        // Here μ = 3, σ = 2, x̂ = (−1, 1); with dy = (1, 0), dγ = Σ dy·x̂ = −1 and dβ = Σ dy = 1.
        var input = Tensor.FromArray([1, 5], 1, 1, 1, 2);
        var p = new Parameters(1, gamma: 3f, beta: 0f, runningMean: 0f, runningVar: 1f);
        var output = new Tensor(1, 1, 1, 2);
        BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Momentum, 1e-12f, output, p.SaveMean, p.SaveInvStd);
        Approx.AssertClose([-3.0, 3.0], output.Span, 1e-6, "y = γ·x̂");
        var (gradInput, gradGamma, gradBeta) = (new Tensor(1, 1, 1, 2), new Tensor(1), new Tensor(1));
        BatchNorm2d.BackwardTraining(input, Tensor.FromArray([1, 0], 1, 1, 1, 2), p.Gamma, p.SaveMean, p.SaveInvStd, gradInput, gradGamma, gradBeta);
        Approx.AssertClose([0.0, 0.0], gradInput.Span, 1e-6, "dx: the output cannot change");
        Approx.AssertClose([-1.0], gradGamma.Span, 1e-6, "dγ = Σ dy·x̂");
        Approx.AssertClose([1.0], gradBeta.Span, 1e-6, "dβ = Σ dy");
    }

    [TestMethod]
    public void FastMatchesReferenceInTrainingAndInference()
    {
        int seed = 700;
        foreach (var dims in Shapes)
        {
            var shape = new TensorShape(dims);
            var channels = new TensorShape(dims[1]);
            var check = new KernelCheck("BatchNorm2d", shape, seed += 10);
            // Offset inputs (mean ≈ 10) so a one-pass variance would cancel.
            var (x, dy) = (check.Random("x", shape, offset: 10f), check.Random("dy", shape));
            var (gamma, beta) = (check.Random("γ", channels, scale: 2f), check.Random("β", channels));
            // Read and updated by the training pass.
            var (runningMean, runningVar) = (check.Random("running mean", channels), check.Random("running var", channels, offset: 1.5f));
            var (y, saveMean, saveInvStd) = (check.Output("y", shape), check.Output("saved mean", channels), check.Output("saved 1/std", channels));
            var (dx, dGamma, dBeta) = (check.Output("dx", shape), check.Output("dγ", channels), check.Output("dβ", channels));
            check.FastMatchesReference(
                () => BatchNorm2d.ForwardTraining(x.F, gamma.F, beta.F, runningMean.F, runningVar.F, Momentum, Epsilon, y.F, saveMean.F, saveInvStd.F),
                () => BatchNorm2dReference.ForwardTraining<double>(shape, x.D, gamma.D, beta.D, runningMean.D, runningVar.D, Momentum, Epsilon,
                    y.D, saveMean.D, saveInvStd.D),
                (y, 2e-5), (saveMean, 1e-6), (saveInvStd, 1e-5), (runningMean, 1e-6), (runningVar, 1e-5));
            check.FastMatchesReference(
                () => BatchNorm2d.BackwardTraining(x.F, dy.F, gamma.F, saveMean.F, saveInvStd.F, dx.F, dGamma.F, dBeta.F),
                () => BatchNorm2dReference.BackwardTraining<double>(shape, x.D, dy.D, gamma.D, saveMean.D, saveInvStd.D, dx.D, dGamma.D, dBeta.D),
                (dx, 1e-4), (dGamma, 1e-4), (dBeta, 1e-5));

            // Inference, with the running statistics just updated.
            var (yInference, dxInference) = (check.Output("inference y", shape), check.Output("inference dx", shape));
            var (dGammaInference, dBetaInference) = (check.Output("inference dγ", channels), check.Output("inference dβ", channels));
            check.FastMatchesReference(
                () => BatchNorm2d.ForwardInference(x.F, gamma.F, beta.F, runningMean.F, runningVar.F, Epsilon, yInference.F),
                () => BatchNorm2dReference.ForwardInference<double>(shape, x.D, gamma.D, beta.D, runningMean.D, runningVar.D, Epsilon, yInference.D),
                (yInference, 2e-5));
            check.FastMatchesReference(
                () => BatchNorm2d.BackwardInference(x.F, dy.F, gamma.F, runningMean.F, runningVar.F, Epsilon, dxInference.F, dGammaInference.F,
                    dBetaInference.F),
                () => BatchNorm2dReference.BackwardInference<double>(shape, x.D, dy.D, gamma.D, runningMean.D, runningVar.D, Epsilon, dxInference.D,
                    dGammaInference.D, dBetaInference.D),
                (dxInference, 1e-5), (dGammaInference, 1e-4), (dBetaInference, 1e-5));
        }
    }

    [TestMethod]
    public void LargePlanesWithALargeMeanKeepTheVarianceToDoublePrecision()
    {
        // 1000 + noise in [−1, 1) over 224×224 planes (N = 2), 10⁵ values per channel: whole-plane float
        // accumulators were off by up to 1.2e-6 in the variance and 1.9e-7 in the mean (3 ulps of 1000); blocks of
        // 2048 flushed into double keep both near float rounding (≤ 1.3e-7 and ≤ 5e-9 here).
        int[] dims = [2, 3, 224, 224];
        var shape = new TensorShape(dims);
        var input = Offset(TestData.Tensor(900, dims), 1000f);
        var p = new Parameters(dims[1], gamma: 1f, beta: 0f, runningMean: 0f, runningVar: 0f);
        var r = p.ToDouble();
        var output = new Tensor(dims);
        // Momentum 1: the running statistics become the batch's (the variance unbiased), as float.
        BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, 1f, Epsilon, output, p.SaveMean, p.SaveInvStd);
        var x = TestData.ToDouble(input.Span);
        BatchNorm2dReference.ForwardTraining<double>(shape, x, r.Gamma, r.Beta, r.RunningMean, r.RunningVar, 1, Epsilon,
            new double[x.Length], r.SaveMean, r.SaveInvStd);
        for (int c = 0; c < dims[1]; c++)
        {
            AssertRelative(r.RunningVar[c], p.RunningVar.Span[c], 5e-7, $"variance of channel {c}");
            AssertRelative(r.SaveInvStd[c], p.SaveInvStd.Span[c], 3e-7, $"1/std of channel {c}");
            AssertRelative(r.SaveMean[c], p.SaveMean.Span[c], 1e-7, $"mean of channel {c}");
        }

        static void AssertRelative(double expected, float actual, double tolerance, string what)
        {
            double error = Math.Abs(actual - expected) / Math.Abs(expected);
            if (!(error <= tolerance)) Assert.Fail($"{what}: {actual}, expected {expected}; relative error {error:E2} > {tolerance:E0}.");
        }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        int seed = 800;
        foreach (var dims in Shapes.Where(d => d[0] * d[1] * d[2] * d[3] < 2000))
        {
            var shape = new TensorShape(dims);
            int length = shape.Length, channels = dims[1];
            seed += 10;
            // Both modes draw the same x, γ and β (and running statistics, used by inference only).
            (KernelCheck, KernelCheck.Operand[], double[] RunningMean, double[] RunningVar) Draw(string mode)
            {
                var check = new KernelCheck($"BatchNorm2dReference {mode}", shape, seed);
                var c = new TensorShape(channels);
                return (check, [check.Random("x", shape, scale: 2f), check.Random("γ", c, scale: 2f), check.Random("β", c)],
                    check.Random("running mean", c).D, check.Random("running var", c, offset: 1.5f).D);
            }

            var (training, operands, _, _) = Draw("training");
            training.ReferenceMatchesFiniteDifferences(length, operands,
                (v, y) => BatchNorm2dReference.ForwardTraining<double>(shape, v[0], v[1], v[2], new double[channels], new double[channels],
                    0.1, 1e-5, y, new double[channels], new double[channels]),
                (v, dy, d) =>
                {
                    var (mean, invStd) = (new double[channels], new double[channels]);
                    BatchNorm2dReference.ForwardTraining<double>(shape, v[0], v[1], v[2], new double[channels], new double[channels],
                        0.1, 1e-5, new double[length], mean, invStd);
                    BatchNorm2dReference.BackwardTraining<double>(shape, v[0], dy, v[1], mean, invStd, d[0], d[1], d[2]);
                }, tolerance: 1e-5);

            var (inference, same, runningMean, runningVar) = Draw("inference");
            inference.ReferenceMatchesFiniteDifferences(length, same,
                (v, y) => BatchNorm2dReference.ForwardInference<double>(shape, v[0], v[1], v[2], runningMean, runningVar, 1e-5, y),
                (v, dy, d) => BatchNorm2dReference.BackwardInference<double>(shape, v[0], dy, v[1], runningMean, runningVar, 1e-5,
                    d[0], d[1], d[2]));
        }
    }

    [TestMethod]
    public void RejectsBadArgumentsNamingTheParameterAndShapes()
    {
        var input = new Tensor(2, 3, 4, 5);
        var output = new Tensor(2, 3, 4, 5);
        var p = new Parameters(3, 1f, 0f, 0f, 1f);
        var wrong = new Tensor(4);
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardTraining(input, wrong, p.Beta, p.RunningMean, p.RunningVar, Momentum, Epsilon, output, p.SaveMean, p.SaveInvStd),
            "gamma", "[4]", "[3]");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Momentum, Epsilon, output, p.SaveMean, wrong),
            "saveInvStd", "[4]", "[3]");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Momentum, Epsilon, new Tensor(2, 3, 5, 4), p.SaveMean, p.SaveInvStd),
            "output", "[2, 3, 5, 4]", "[2, 3, 4, 5]");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardTraining(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, 1.5f, Epsilon, output, p.SaveMean, p.SaveInvStd),
            "momentum", "1.5");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardInference(input, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, 0f, output),
            "epsilon", "0");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardInference(new Tensor(2, 3, 20), p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Epsilon, new Tensor(2, 3, 20)),
            "input", "[2, 3, 20]");
        ArgumentAssert.Throws(() => BatchNorm2d.ForwardTraining(new Tensor(1, 3, 1, 1), p.Gamma, p.Beta, p.RunningMean, p.RunningVar, Momentum, Epsilon, new Tensor(1, 3, 1, 1), p.SaveMean, p.SaveInvStd),
            "input", "more than one value per channel", "[1, 3, 1, 1]");
        ArgumentAssert.Throws(() => BatchNorm2d.BackwardTraining(input, output, p.Gamma, p.SaveMean, p.SaveInvStd, new Tensor(2, 3, 4, 4), new Tensor(3), new Tensor(3)),
            "gradInput", "[2, 3, 4, 4]", "[2, 3, 4, 5]");
        ArgumentAssert.Throws(() => BatchNorm2d.BackwardInference(input, output, p.Gamma, p.RunningMean, p.RunningVar, Epsilon, new Tensor(2, 3, 4, 5), new Tensor(3), wrong),
            "gradBeta", "[4]", "[3]");
    }

    private static Tensor Offset(Tensor t, float offset)
    {
        foreach (ref float v in t.Span) v += offset;
        return t;
    }

    /// <summary>The per-channel tensors [C] of one BatchNorm2d.</summary>
    private sealed class Parameters(int channels, float gamma, float beta, float runningMean, float runningVar)
    {
        public Tensor Gamma { get; } = Filled(channels, gamma);
        public Tensor Beta { get; } = Filled(channels, beta);
        public Tensor RunningMean { get; } = Filled(channels, runningMean);
        public Tensor RunningVar { get; } = Filled(channels, runningVar);
        public Tensor SaveMean { get; } = Filled(channels, float.NaN);
        public Tensor SaveInvStd { get; } = Filled(channels, float.NaN);

        /// <summary>Double copies for the reference, taken before the fast kernel updates anything.</summary>
        public (double[] Gamma, double[] Beta, double[] RunningMean, double[] RunningVar, double[] SaveMean, double[] SaveInvStd) ToDouble() =>
            (TestData.ToDouble(Gamma.Span), TestData.ToDouble(Beta.Span), TestData.ToDouble(RunningMean.Span),
                TestData.ToDouble(RunningVar.Span), new double[channels], new double[channels]);

        private static Tensor Filled(int length, float value)
        {
            var t = new Tensor(length);
            t.Span.Fill(value);
            return t;
        }
    }
}
