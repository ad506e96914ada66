using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// Each optimizer against values worked out by hand from PyTorch's documented algorithm (torch.optim.*),
/// on one- or two-element parameters with the gradient set before each step; then each one minimizing a
/// convex quadratic.
/// </summary>
[TestClass]
public sealed class OptimizerTests
{
    private const double Tolerance = 1e-6;

    [TestMethod]
    public void Sgd_PlainStep_IsLearningRateTimesGradient()
    {
        var w = Param(1f, 2f);
        var sgd = new Sgd([w], learningRate: 0.1f);
        // w ← w − 0.1·g = [1 − 0.05, 2 + 0.1]
        Steps(sgd, w, [0.5f, -1f]);
        Approx.AssertClose([0.95, 2.1], w.Value.Span, Tolerance, "w");
        Assert.AreEqual(1, sgd.Steps);
    }

    [TestMethod]
    public void Sgd_Momentum_FirstBufferIsTheUndampedGradient()
    {
        var w = Param(1f);
        var sgd = new Sgd([w], learningRate: 0.1f, momentum: 0.9f, dampening: 0.5f);
        // g = 1 at every step.
        // t=1: b = g = 1 (undamped)           w = 1 − 0.1·1 = 0.9
        // t=2: b = 0.9·1 + 0.5·1 = 1.4        w = 0.9 − 0.14 = 0.76
        // t=3: b = 0.9·1.4 + 0.5·1 = 1.76     w = 0.76 − 0.176 = 0.584
        double[] expected = [0.9, 0.76, 0.584];
        for (int t = 0; t < 3; t++)
        {
            Steps(sgd, w, [1f]);
            Approx.AssertClose([expected[t]], w.Value.Span, Tolerance, $"w after step {t + 1}");
        }
    }

    [TestMethod]
    public void Sgd_Nesterov_StepsAlongGradientPlusMomentumTimesBuffer()
    {
        var w = Param(1f);
        var sgd = new Sgd([w], learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        // g = 1 at every step.
        // t=1: b = 1,                 d = 1 + 0.9·1 = 1.9       w = 1 − 0.19 = 0.81
        // t=2: b = 0.9·1 + 1 = 1.9,   d = 1 + 0.9·1.9 = 2.71    w = 0.81 − 0.271 = 0.539
        // t=3: b = 0.9·1.9 + 1 = 2.71, d = 1 + 0.9·2.71 = 3.439 w = 0.539 − 0.3439 = 0.1951
        double[] expected = [0.81, 0.539, 0.1951];
        for (int t = 0; t < 3; t++)
        {
            Steps(sgd, w, [1f]);
            Approx.AssertClose([expected[t]], w.Value.Span, Tolerance, $"w after step {t + 1}");
        }
    }

    [TestMethod]
    public void CoupledWeightDecay_AddsLambdaTimesWeightToTheGradient_OfWeightsOnly_LeavingGradientAlone()
    {
        var weight = Param(1f);
        var bias = Param(ParameterRole.Bias, 1f);
        var norm = Param(ParameterRole.Normalization, 1f);
        var sgd = new Sgd([weight, bias, norm], learningRate: 0.1f) { WeightDecay = 0.1f };
        foreach (var p in new[] { weight, bias, norm }) p.Gradient.Span[0] = 0.5f;
        sgd.Step();
        // weight: g' = 0.5 + 0.1·1 = 0.6, w = 1 − 0.06 = 0.94; bias and normalization: w = 1 − 0.05 = 0.95
        Approx.AssertClose([0.94], weight.Value.Span, Tolerance, "weight");
        Approx.AssertClose([0.95], bias.Value.Span, Tolerance, "bias");
        Approx.AssertClose([0.95], norm.Value.Span, Tolerance, "normalization");
        Assert.AreEqual(0.5f, weight.Gradient.Span[0], "the gradient itself is not changed");
    }

    [TestMethod]
    public void DecayBiasesAndNormalization_DecaysEveryRole()
    {
        var bias = Param(ParameterRole.Bias, 1f);
        var norm = Param(ParameterRole.Normalization, 1f);
        var sgd = new Sgd([bias, norm], learningRate: 0.1f) { WeightDecay = 0.1f, DecayBiasesAndNormalization = true };
        Steps(sgd, bias, [0.5f]);   // norm's gradient is 0: w = 1 − 0.1·(0 + 0.1·1) = 0.99
        Approx.AssertClose([0.94], bias.Value.Span, Tolerance, "bias");
        Approx.AssertClose([0.99], norm.Value.Span, Tolerance, "normalization");
    }

    [TestMethod]
    public void Adam_Defaults_BiasCorrectedAsPyTorch()
    {
        var w = Param(1f);
        var adam = new Adam([w], learningRate: 0.1f);
        // β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
        // t=1, g=1: m = 0.1, v = 0.001; 1−β₁ = 0.1, 1−β₂ = 0.001
        //           w = 1 − (0.1/0.1)·0.1/(√0.001/√0.001 + 1e-8) = 1 − 0.1/1.00000001 = 0.900000001
        // t=2, g=2: m = 0.09 + 0.2 = 0.29, v = 0.000999 + 0.004 = 0.004999; 1−β₁² = 0.19, 1−β₂² = 0.001999
        //           denominator = √(0.004999/0.001999) + 1e-8 = 1.5813761
        //           w = 0.9 − (0.1/0.19)·0.29/1.5813761 = 0.9 − 0.0965182 = 0.8034818
        Steps(adam, w, [1f]);
        Approx.AssertClose([0.900000001], w.Value.Span, Tolerance, "w after step 1");
        Steps(adam, w, [2f]);
        Approx.AssertClose([0.8034818], w.Value.Span, Tolerance, "w after step 2");
    }

    [TestMethod]
    public void Adam_Amsgrad_DividesByTheLargestSecondMoment()
    {
        // β₁ = β₂ = 0.5, ε = 0, lr = 0.1; g = 2 then 0, so v falls: v₁ = 0.5·4 = 2, v₂ = 0.5·2 = 1.
        // t=1: m = 1, v = 2, w = 1 − (0.1/0.5)·1/(√2/√0.5) = 1 − 0.2/2 = 0.9 (both variants)
        // t=2: m = 0.5, 1−0.5² = 0.75
        //   AMSGrad v̂ = max(2, 1) = 2: w = 0.9 − (0.1/0.75)·0.5/(√2/√0.75) = 0.9 − 0.0408248 = 0.8591752
        //   Adam    v̂ = v = 1:        w = 0.9 − (0.1/0.75)·0.5/(√1/√0.75) = 0.9 − 0.0577350 = 0.8422650
        foreach (var (amsgrad, expected) in new[] { (true, 0.8591752), (false, 0.8422650) })
        {
            var w = Param(1f);
            var adam = new Adam([w], learningRate: 0.1f, beta1: 0.5f, beta2: 0.5f, epsilon: 0, amsgrad: amsgrad);
            Steps(adam, w, [2f]);
            Approx.AssertClose([0.9], w.Value.Span, Tolerance, $"amsgrad {amsgrad}: w after step 1");
            Steps(adam, w, [0f]);
            Approx.AssertClose([expected], w.Value.Span, Tolerance, $"amsgrad {amsgrad}: w after step 2");
        }
    }

    [TestMethod]
    public void AdamW_DecaysTheWeightDirectly_WhileCoupledAdamDecayIsNormalizedAway()
    {
        // β₁ = β₂ = 0.5, ε = 0, lr = 0.1, g = 1; the first Adam step is lr·g/|g| = 0.1 whatever the scale of g.
        // AdamW (λ = 0.01 by default): w = 1·(1 − 0.1·0.01) = 0.999, then 0.999 − 0.1 = 0.899; the bias is not decayed: 0.9.
        // Adam with coupled λ = 0.01: g' = 1 + 0.01 = 1.01, w = 1 − 0.1·1.01/1.01 = 0.9.
        var weight = Param(1f);
        var bias = Param(ParameterRole.Bias, 1f);
        var adamW = new AdamW([weight, bias], learningRate: 0.1f, beta1: 0.5f, beta2: 0.5f, epsilon: 0);
        Assert.AreEqual(0.01f, adamW.WeightDecay);
        weight.Gradient.Span[0] = bias.Gradient.Span[0] = 1f;
        adamW.Step();
        Approx.AssertClose([0.899], weight.Value.Span, Tolerance, "AdamW weight");
        Approx.AssertClose([0.9], bias.Value.Span, Tolerance, "AdamW bias");

        var coupled = Param(1f);
        Steps(new Adam([coupled], learningRate: 0.1f, beta1: 0.5f, beta2: 0.5f, epsilon: 0) { WeightDecay = 0.01f }, coupled, [1f]);
        Approx.AssertClose([0.9], coupled.Value.Span, Tolerance, "Adam with coupled decay");
    }

    [TestMethod]
    public void RmsProp_PlainCenteredAndMomentum_AsPyTorch()
    {
        // α = 0.5, ε = 0, lr = 0.1; g = 2 then 1.
        // plain:    s₁ = 0.5·4 = 2,   w = 1 − 0.1·2/√2 = 0.8585786
        //           s₂ = 1 + 0.5 = 1.5, w = 0.8585786 − 0.1·1/√1.5 = 0.7769290
        // centered: ḡ₁ = 1, a = √(2 − 1) = 1, w = 1 − 0.2 = 0.8
        //           ḡ₂ = 0.5 + 0.5 = 1, a = √(1.5 − 1) = 0.7071068, w = 0.8 − 0.1/0.7071068 = 0.6585786
        // μ = 0.5:  b₁ = 2/√2 = 1.4142136, w = 1 − 0.1414214 = 0.8585786
        //           b₂ = 0.5·1.4142136 + 1/√1.5 = 1.5236034, w = 0.8585786 − 0.1523603 = 0.7062183
        foreach (var (centered, momentum, expected1, expected2) in new[]
                 { (false, 0f, 0.8585786, 0.7769290), (true, 0f, 0.8, 0.6585786), (false, 0.5f, 0.8585786, 0.7062183) })
        {
            var w = Param(1f);
            var rms = new RmsProp([w], learningRate: 0.1f, alpha: 0.5f, epsilon: 0, momentum: momentum, centered: centered);
            Steps(rms, w, [2f]);
            Approx.AssertClose([expected1], w.Value.Span, Tolerance, $"centered {centered}, momentum {momentum}: step 1");
            Steps(rms, w, [1f]);
            Approx.AssertClose([expected2], w.Value.Span, Tolerance, $"centered {centered}, momentum {momentum}: step 2");
        }
    }

    [TestMethod]
    public void FrozenParameters_AreUntouched_AndGetNoState()
    {
        foreach (var optimizer in AllKinds())
        {
            var trained = Param(1f, 1f);
            var frozen = Param(1f, 1f);
            frozen.Frozen = true;
            var o = optimizer([trained, frozen]);
            trained.Gradient.Span.Fill(1f);
            frozen.Gradient.Span.Fill(1f);
            o.Step();
            o.Step();
            string kind = o.GetType().Name;
            CollectionAssert.AreEqual(new[] { 1f, 1f }, frozen.Value.ToArray(), $"{kind}: frozen value");
            Assert.IsTrue(trained.Value.Span[0] < 1f, $"{kind}: the trained parameter moved");
            var state = o.Save();
            Assert.IsNotNull(state.Parameters[0], $"{kind}: trained state");
            Assert.IsNull(state.Parameters[1], $"{kind}: frozen state is not allocated");
        }
    }

    [TestMethod]
    public void EveryOptimizer_MinimizesAConvexQuadratic()
    {
        // f(w) = ½‖A·w − b‖², ∇f = Aᵀ(A·w − b); A is invertible, so min f = 0 at w* = A⁻¹b = [1, −1, 2].
        double[,] a = { { 2, 0, 0 }, { 1, 3, 0 }, { 0, 1, 1.5 } };
        double[] b = { 2, -2, 2 };
        foreach (var (name, build, steps) in new (string, Func<Parameter, Optimizer>, int)[]
                 {
                     ("Sgd", p => new Sgd([p], learningRate: 0.05f), 500),
                     ("Sgd momentum", p => new Sgd([p], learningRate: 0.02f, momentum: 0.9f), 500),
                     ("Sgd nesterov", p => new Sgd([p], learningRate: 0.02f, momentum: 0.9f, nesterov: true), 500),
                     ("Adam", p => new Adam([p], learningRate: 0.05f), 2000),
                     ("Adam amsgrad", p => new Adam([p], learningRate: 0.05f, amsgrad: true), 2000),
                     ("AdamW", p => new AdamW([p], learningRate: 0.05f), 2000),
                     ("RmsProp", p => new RmsProp([p], learningRate: 0.01f), 2000),
                     ("RmsProp centered momentum", p => new RmsProp([p], learningRate: 0.005f, momentum: 0.5f, centered: true), 2000),
                 })
        {
            var w = Param(0f, 0f, 0f);
            var optimizer = build(w);
            for (int t = 0; t < steps; t++)
            {
                Quadratic(a, b, w);
                optimizer.Step();
            }
            double f = Quadratic(a, b, w);
            Assert.IsTrue(f < 1e-3, $"{name}: f = {f} after {steps} steps, w = [{string.Join(", ", w.Value.ToArray())}]");
        }
    }

    [TestMethod]
    public void SaveAndLoad_ReplayTheSameSteps()
    {
        var w = Param(1f, -2f);
        var adam = new Adam([w], learningRate: 0.1f, amsgrad: true);
        Steps(adam, w, [1f, 2f]);
        var state = adam.Save();
        var saved = w.Value.ToArray();
        Steps(adam, w, [0.5f, -1f]);
        Steps(adam, w, [2f, 1f]);
        var expected = w.Value.ToArray();

        saved.CopyTo(w.Value.Span);
        adam.Load(state);
        Assert.AreEqual(1, adam.Steps);
        Steps(adam, w, [0.5f, -1f]);
        Steps(adam, w, [2f, 1f]);
        CollectionAssert.AreEqual(expected, w.Value.ToArray());

        ArgumentAssert.Throws(() => new Sgd([w], momentum: 0.9f).Load(state), "state", "Adam", "Sgd");
        ArgumentAssert.Throws(() => new Adam([w]).Load(state), "state");   // no AMSGrad slot
    }

    [TestMethod]
    public void InvalidSettings_AreRejected_NamingTheSetting()
    {
        var w = Param(1f);
        ArgumentAssert.Throws(() => new Sgd([w], learningRate: -0.1f), "learningRate", "-0.1");
        ArgumentAssert.Throws(() => new Sgd([w], learningRate: float.NaN), "learningRate", "NaN");
        ArgumentAssert.Throws(() => new Sgd([w], momentum: 1f), "momentum", "[0, 1)", "1");
        ArgumentAssert.Throws(() => new Sgd([w], momentum: -0.5f), "momentum", "-0.5");
        ArgumentAssert.Throws(() => new Sgd([w], dampening: 1.5f), "dampening", "1.5");
        ArgumentAssert.Throws(() => new Sgd([w], nesterov: true), "nesterov", "momentum");
        ArgumentAssert.Throws(() => new Sgd([w], momentum: 0.9f, nesterov: true, dampening: 0.1f), "nesterov", "dampening");
        ArgumentAssert.Throws(() => new Adam([w], beta1: 1f), "beta1", "1");
        ArgumentAssert.Throws(() => new Adam([w], beta2: -0.1f), "beta2", "-0.1");
        ArgumentAssert.Throws(() => new Adam([w], epsilon: -1f), "epsilon", "-1");
        ArgumentAssert.Throws(() => new RmsProp([w], alpha: 1f), "alpha", "1");
        ArgumentAssert.Throws(() => new RmsProp([w], momentum: 2f), "momentum", "2");
        ArgumentAssert.Throws(() => _ = new Adam([w]) { WeightDecay = -0.01f }, "WeightDecay", "-0.01");
        ArgumentAssert.Throws(() => new Sgd([w]).LearningRate = -1f, "LearningRate", "-1");
        ArgumentAssert.Throws(() => new Sgd([w, w]), "parameters", "2 times");
    }

    private static IEnumerable<Func<Parameter[], Optimizer>> AllKinds() =>
    [
        p => new Sgd(p, learningRate: 0.1f, momentum: 0.9f, nesterov: true) { WeightDecay = 0.1f },
        p => new Adam(p, amsgrad: true) { WeightDecay = 0.1f },
        p => new AdamW(p),
        p => new RmsProp(p, momentum: 0.9f, centered: true) { WeightDecay = 0.1f },
    ];

    /// <summary>Sets the gradient of <paramref name="p"/> to <paramref name="gradient"/> and takes one step.</summary>
    private static void Steps(Optimizer optimizer, Parameter p, float[] gradient)
    {
        gradient.CopyTo(p.Gradient.Span);
        optimizer.Step();
    }

    /// <summary>f(w) = ½‖A·w − b‖² in double; writes ∇f = Aᵀ(A·w − b) into the gradient.</summary>
    private static double Quadratic(double[,] a, double[] b, Parameter w)
    {
        int n = b.Length;
        var residual = new double[n];
        double f = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) residual[i] += a[i, j] * w.Value.Span[j];
            residual[i] -= b[i];
            f += 0.5 * residual[i] * residual[i];
        }
        for (int j = 0; j < n; j++)
        {
            double g = 0;
            for (int i = 0; i < n; i++) g += a[i, j] * residual[i];
            w.Gradient.Span[j] = (float)g;
        }
        return f;
    }

    private static Parameter Param(params float[] values) => Param(ParameterRole.Weight, values);

    private static Parameter Param(ParameterRole role, params float[] values) =>
        new(role.ToString(), Tensor.FromArray(values, values.Length), role);
}
