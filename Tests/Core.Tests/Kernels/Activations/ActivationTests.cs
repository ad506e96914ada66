using System.Runtime.Intrinsics;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Every point-wise activation runs through the same test bodies (one data row per activation), checked against
/// <see cref="ActivationsReference"/>; PReLU, which has a learned slope, has its own tests at the end.
/// </summary>
[TestClass]
public sealed class ActivationTests
{
    private static readonly Dictionary<string, Func<Activation>> Activations = new()
    {
        ["ReLU"] = () => new ReLU(),
        ["ReLU6"] = () => new ReLU6(),
        ["Clip(-1.5, 3)"] = () => new Clip(-1.5f, 3f),
        ["Clip(-∞, 1)"] = () => new Clip(float.NegativeInfinity, 1f),
        ["LeakyReLU(0.1)"] = () => new LeakyReLU(0.1f),
        ["LeakyReLU(1.5)"] = () => new LeakyReLU(1.5f),
        ["LeakyReLU(-0.3)"] = () => new LeakyReLU(-0.3f),
        ["Sigmoid"] = () => new Sigmoid(),
        ["Tanh"] = () => new Tanh(),
        ["HardSigmoid"] = () => new HardSigmoid(),
        ["HardSigmoid(0.2, 0.5)"] = () => new HardSigmoid(0.2f, 0.5f),
        ["HardSwish"] = () => new HardSwish(),
        ["SiLU"] = () => new SiLU(),
        ["Elu"] = () => new Elu(),
        ["Selu"] = () => new Selu(),
        ["Celu(2)"] = () => new Celu(2f),
        ["Softplus"] = () => new Softplus(),
        ["Softsign"] = () => new Softsign(),
        ["ThresholdedReLU"] = () => new ThresholdedReLU(),
        ["Exp"] = () => new Exp(),
        ["Neg"] = () => new Neg(),
        ["Abs"] = () => new Abs(),
        ["Reciprocal"] = () => new Reciprocal(),
        ["Erf"] = () => new Erf(),
        // Defined on part of the line only: their inputs are mapped into it (InDomain), and they have no saturated inputs.
        ["Log"] = () => new Log(),
        ["Sqrt"] = () => new Sqrt(),
        ["Atanh"] = () => new Atanh(),
    };

    public static IEnumerable<object[]> Names => Activations.Keys.Select(name => new object[] { name });

    /// <summary>Where some f′ jumps: 0 (ReLU-likes), ±3 and 6 (hard ones, ReLU6), ±2.5 (ONNX HardSigmoid), the Clips' bounds.</summary>
    private static readonly float[] Kinks = [-3f, -2.5f, -1.5f, 0f, 1f, 2.5f, 3f, 6f];

    // Batch 1 and > 1, odd sizes, lengths below / at / above one vector, and one large enough to run threaded.
    private static readonly int[][] Shapes =
        [[1], [7], [16], [17], [3, 33], [2, 3, 5, 7], [1, 8, 9, 11], [2, 64, 40, 40]];

    internal static IEnumerable<VectorWidth> Widths() =>
        Vector512.IsHardwareAccelerated ? [VectorWidth.Bits256, VectorWidth.Bits512] : [VectorWidth.Bits256];

    /// <summary>
    /// Uniform values in [−8, 8), nudged at least 0.05 away from every kink (and from 0, where Reciprocal has its pole), then
    /// mapped into the activation's domain where it has one (<see cref="InDomain"/>).
    /// </summary>
    private static float[] Inputs(int seed, int length, Activation? activation = null)
    {
        float[] values = TestData.Floats(seed, length, 8f);
        for (int i = 0; i < values.Length; i++)
        {
            foreach (float kink in Kinks)
                if (MathF.Abs(values[i] - kink) < 0.05f)
                    values[i] = values[i] >= kink ? kink + 0.05f : kink - 0.05f;
            if (activation is not null) values[i] = InDomain(activation, values[i]);
        }
        return values;
    }

    /// <summary>v ∈ [−8, 8) into the domain of Log and Sqrt ([0.05, 8.05)) and of Atanh ((−0.95, 0.95)); others keep v.</summary>
    internal static float InDomain(Activation activation, float v) => activation switch
    {
        Log or Sqrt => MathF.Abs(v) + 0.05f,
        Atanh => v * (0.95f / 8f),
        _ => v,
    };

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        var activation = Activations[name]();
        int seed = 0;
        foreach (int[] shape in Shapes)
        {
            seed++;
            var check = new KernelCheck(name, new TensorShape(shape), seed + 100);
            var x = check.From("x", Tensor.FromArray(Inputs(seed, new TensorShape(shape).Length, activation), shape));
            var (y, dy) = (check.Output("y", shape), check.Random("dy", shape));
            var saved = activation.BackwardUses == SavedTensor.Input ? x : y;
            foreach (var width in Widths())
            {
                check.FastMatchesReference(() => activation.Forward(x.F, y.F, width),
                    () => ActivationsReference.Forward<double>(activation, x.D, y.D), (y, 1e-5));
                var dx = check.Output($"dx {width}", shape);
                check.FastMatchesReference(() => activation.Backward(saved.F, dy.F, dx.F, width),
                    () => ActivationsReference.Backward<double>(activation, x.D, dy.D, dx.D), (dx, 1e-5));
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ReferenceBackwardMatchesFiniteDifferences(string name)
    {
        var activation = Activations[name]();
        var check = new KernelCheck(name + " reference", "[150]");
        check.ReferenceMatchesFiniteDifferences(150, [check.From("x", TestData.ToDouble(Inputs(7, 150, activation)))],
            (v, y) => ActivationsReference.Forward<double>(activation, v[0], y),
            (v, dy, d) => ActivationsReference.Backward<double>(activation, v[0], dy, d[0]));
    }

    /// <summary>
    /// The in-place epilogue of the convolution kernels gives the out-of-place forward pass's values, for the activations that
    /// write over their input directly and those that go through a copy, at lengths around the copy's 512-float stretches:
    /// the same bits for the piece-wise linear ones; within 1e-6 for the others (an exponential, a logarithm, a division …), whose
    /// last elements of a span TensorPrimitives computes by a scalar path that can differ in the last bit (where the spans are
    /// cut differs).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Names))]
    public unsafe void InPlaceForwardGivesTheSameBits(string name)
    {
        var activation = Activations[name]();
        foreach (int length in new[] { 1, 17, 511, 512, 513, 5000 })
        {
            var x = Tensor.FromArray(Inputs(length, length, activation), length);
            var expected = new Tensor(length);
            activation.Forward(x, expected);
            activation.ForwardInPlace(x.Pointer, length);
            if (activation is ReLU or Clip or LeakyReLU or HardSigmoid or HardSwish or ThresholdedReLU or Neg or Abs)
                CollectionAssert.AreEqual(expected.ToArray(), x.ToArray(), $"{name}, {length} floats");
            else Approx.AssertClose(expected.Span, x.Span, 1e-6, $"{name}, {length} floats");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void BackwardMayWriteIntoDy(string name)
    {
        var activation = Activations[name]();
        var x = Tensor.FromArray(Inputs(3, 37, activation), 37);
        var y = new Tensor(37);
        activation.Forward(x, y);
        var saved = activation.BackwardUses == SavedTensor.Input ? x : y;
        var dy = TestData.Tensor(4, 37);
        var expected = new Tensor(37);
        activation.Backward(saved, dy, expected);
        activation.Backward(saved, dy, dy);
        Approx.AssertClose(expected.Span, dy.Span, 0, name);
    }

    /// <summary>The activations defined and finite on the whole line: not Exp (it overflows), Log, Sqrt or Atanh.</summary>
    public static IEnumerable<object[]> FiniteEverywhere =>
        Names.Where(n => Activations[(string)n[0]]() is not (Exp or Log or Sqrt or Atanh));

    [TestMethod]
    [DynamicData(nameof(FiniteEverywhere))]
    public void SaturatedInputsGiveFiniteValuesAndGradients(string name)
    {
        var activation = Activations[name]();
        float[] values = [-1e4f, -100f, -88.8f, 88.8f, 100f, 1e4f, -1e30f, 1e30f];
        var x = Tensor.FromArray(values, values.Length);
        var y = new Tensor(values.Length);
        var dx = new Tensor(values.Length);
        activation.Forward(x, y);
        activation.Backward(activation.BackwardUses == SavedTensor.Input ? x : y, Tensor.FromArray(
            Enumerable.Repeat(1f, values.Length).ToArray(), values.Length), dx);
        double[] xd = TestData.ToDouble(values), expectedY = new double[values.Length], expectedDx = new double[values.Length];
        ActivationsReference.Forward<double>(activation, xd, expectedY);
        ActivationsReference.Backward<double>(activation, xd, Enumerable.Repeat(1.0, values.Length).ToArray(), expectedDx);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.IsTrue(float.IsFinite(y.Span[i]) && float.IsFinite(dx.Span[i]), $"{name} at x = {values[i]}: y = {y.Span[i]}, dx = {dx.Span[i]}");
            // Relative to |f(x)|, which is up to 1e30 here: float rounding of the input is the only difference.
            Assert.AreEqual(expectedY[i], y.Span[i], 1e-6 * Math.Max(1, Math.Abs(expectedY[i])), $"{name} f({values[i]})");
            Assert.AreEqual(expectedDx[i], dx.Span[i], 1e-6, $"{name} f'({values[i]})");
        }
    }

    // Hand-computed at x = −4, −1, 0.5, 2, 7 (σ and tanh from a calculator, 9 digits).
    [TestMethod]
    [DataRow("ReLU", new[] { 0f, 0f, 0.5f, 2f, 7f }, new[] { 0f, 0f, 1f, 1f, 1f })]
    [DataRow("ReLU6", new[] { 0f, 0f, 0.5f, 2f, 6f }, new[] { 0f, 0f, 1f, 1f, 0f })]
    [DataRow("Clip(-1.5, 3)", new[] { -1.5f, -1f, 0.5f, 2f, 3f }, new[] { 0f, 1f, 1f, 1f, 0f })]
    [DataRow("Clip(-∞, 1)", new[] { -4f, -1f, 0.5f, 1f, 1f }, new[] { 1f, 1f, 1f, 0f, 0f })]
    [DataRow("LeakyReLU(0.1)", new[] { -0.4f, -0.1f, 0.5f, 2f, 7f }, new[] { 0.1f, 0.1f, 1f, 1f, 1f })]
    [DataRow("LeakyReLU(1.5)", new[] { -6f, -1.5f, 0.5f, 2f, 7f }, new[] { 1.5f, 1.5f, 1f, 1f, 1f })]
    [DataRow("LeakyReLU(-0.3)", new[] { 1.2f, 0.3f, 0.5f, 2f, 7f }, new[] { -0.3f, -0.3f, 1f, 1f, 1f })]
    [DataRow("Sigmoid", new[] { 0.01798621f, 0.268941421f, 0.622459331f, 0.880797078f, 0.999088949f },
        new[] { 0.0176627062f, 0.196611933f, 0.235003712f, 0.104993585f, 0.00091022118f })]
    [DataRow("Tanh", new[] { -0.9993293f, -0.761594156f, 0.462117157f, 0.96402758f, 0.999998337f },
        new[] { 0.00134095068f, 0.419974342f, 0.786447733f, 0.0706508249f, 3.32610934e-06f })]
    [DataRow("HardSigmoid", new[] { 0f, 1f / 3, 7f / 12, 5f / 6, 1f }, new[] { 0f, 1f / 6, 1f / 6, 1f / 6, 0f })]
    [DataRow("HardSigmoid(0.2, 0.5)", new[] { 0f, 0.3f, 0.6f, 0.9f, 1f }, new[] { 0f, 0.2f, 0.2f, 0.2f, 0f })]
    [DataRow("HardSwish", new[] { 0f, -1f / 3, 7f / 24, 5f / 3, 7f }, new[] { 0f, 1f / 6, 2f / 3, 7f / 6, 1f })]
    [DataRow("SiLU", new[] { -0.0719448398f, -0.268941421f, 0.311229666f, 1.76159416f, 6.99362264f },
        new[] { -0.0526646149f, 0.0723294881f, 0.739961187f, 1.09078425f, 1.0054605f })]
    [DataRow("Elu", new[] { -0.981684361f, -0.632120559f, 0.5f, 2f, 7f },
        new[] { 0.0183156389f, 0.367879441f, 1f, 1f, 1f })]
    [DataRow("Selu", new[] { -1.72589863f, -1.11133074f, 0.525350511f, 2.10140204f, 7.35490716f },
        new[] { 0.0322007128f, 0.646768605f, 1.05070102f, 1.05070102f, 1.05070102f })]
    [DataRow("Celu(2)", new[] { -1.72932943f, -0.786938681f, 0.5f, 2f, 7f },
        new[] { 0.135335283f, 0.60653066f, 1f, 1f, 1f })]
    [DataRow("Softplus", new[] { 0.0181499279f, 0.313261688f, 0.974076984f, 2.12692801f, 7.00091147f },
        new[] { 0.01798621f, 0.268941421f, 0.622459331f, 0.880797078f, 0.999088949f })]
    [DataRow("Softsign", new[] { -0.8f, -0.5f, 1f / 3, 2f / 3, 0.875f }, new[] { 0.04f, 0.25f, 4f / 9, 1f / 9, 0.015625f })]
    [DataRow("ThresholdedReLU", new[] { 0f, 0f, 0f, 2f, 7f }, new[] { 0f, 0f, 0f, 1f, 1f })]
    [DataRow("Exp", new[] { 0.0183156389f, 0.367879441f, 1.64872127f, 7.3890561f, 1096.63316f },
        new[] { 0.0183156389f, 0.367879441f, 1.64872127f, 7.3890561f, 1096.63316f })]
    [DataRow("Neg", new[] { 4f, 1f, -0.5f, -2f, -7f }, new[] { -1f, -1f, -1f, -1f, -1f })]
    [DataRow("Abs", new[] { 4f, 1f, 0.5f, 2f, 7f }, new[] { -1f, -1f, 1f, 1f, 1f })]
    [DataRow("Reciprocal", new[] { -0.25f, -1f, 2f, 0.5f, 1f / 7 }, new[] { -0.0625f, -1f, -4f, -0.25f, -1f / 49 })]
    [DataRow("Erf", new[] { -0.999999985f, -0.842700793f, 0.520499878f, 0.995322265f, 1f },
        new[] { 1.26982347e-07f, 0.415107497f, 0.878782579f, 0.0206669854f, 5.91596296e-22f })]
    public void HandComputedValues(string name, float[] expectedY, float[] expectedDerivative) =>
        AssertHandComputed(name, [-4f, -1f, 0.5f, 2f, 7f], expectedY, expectedDerivative);

    // At x = 0.1, 0.25, 0.5, 0.75, 0.9, inside the domains of Log, Sqrt and Atanh.
    [TestMethod]
    [DataRow("Log", new[] { -2.30258509f, -1.38629436f, -0.693147181f, -0.287682072f, -0.105360516f },
        new[] { 10f, 4f, 2f, 4f / 3, 10f / 9 })]
    [DataRow("Sqrt", new[] { 0.316227766f, 0.5f, 0.707106781f, 0.866025404f, 0.948683298f },
        new[] { 1.58113883f, 1f, 0.707106781f, 0.577350269f, 0.527046277f })]
    [DataRow("Atanh", new[] { 0.100335348f, 0.255412812f, 0.549306144f, 0.972955075f, 1.47221949f },
        new[] { 1.01010101f, 1.06666667f, 4f / 3, 2.28571429f, 5.26315789f })]
    public void HandComputedValuesInsideTheDomain(string name, float[] expectedY, float[] expectedDerivative) =>
        AssertHandComputed(name, [0.1f, 0.25f, 0.5f, 0.75f, 0.9f], expectedY, expectedDerivative);

    private static void AssertHandComputed(string name, float[] values, float[] expectedY, float[] expectedDerivative)
    {
        var activation = Activations[name]();
        var x = Tensor.FromArray(values, 5);
        var y = new Tensor(5);
        var dx = new Tensor(5);
        activation.Forward(x, y);
        activation.Backward(activation.BackwardUses == SavedTensor.Input ? x : y, Tensor.FromArray([1f, 1f, 1f, 1f, 1f], 5), dx);
        Approx.AssertClose(expectedY, y.Span, 1e-6, $"{name} forward");
        Approx.AssertClose(expectedDerivative, dx.Span, 1e-6, $"{name} backward");
    }

    [TestMethod]
    public void EveryActivationHasAHandComputedCase()
    {
        var covered = new[] { nameof(HandComputedValues), nameof(HandComputedValuesInsideTheDomain) }
            .SelectMany(method => typeof(ActivationTests).GetMethod(method)!.GetCustomAttributes(typeof(DataRowAttribute), false))
            .Cast<DataRowAttribute>().Select(row => (string)row.Data[0]!).ToHashSet();
        CollectionAssert.AreEquivalent(Activations.Keys.ToList(), covered.ToList());
    }

    [TestMethod]
    public void BadArgumentsNameTheParameterAndTheShapes()
    {
        var activation = new ReLU();
        var x = new Tensor(2, 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => activation.Forward(x, new Tensor(3, 2)));
        Assert.AreEqual("y", e.ParamName);
        StringAssert.Contains(e.Message, "[3, 2]");
        StringAssert.Contains(e.Message, "[2, 3]");
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => activation.Forward(x, x.Reshape(6))).ParamName);
        Assert.AreEqual("dy", Assert.ThrowsExactly<ArgumentException>(
            () => activation.Backward(x, new Tensor(6), new Tensor(2, 3))).ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => activation.Backward(x, new Tensor(2, 3), new Tensor(2, 4)));
        Assert.AreEqual("dx", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 4]");
        Assert.AreEqual("slope", Assert.ThrowsExactly<ArgumentException>(() => new LeakyReLU(float.NaN)).ParamName);
        Assert.AreEqual("alpha", Assert.ThrowsExactly<ArgumentException>(() => new HardSigmoid(float.PositiveInfinity)).ParamName);
        Assert.AreEqual("beta", Assert.ThrowsExactly<ArgumentException>(() => new HardSigmoid(0.2f, float.NaN)).ParamName);
        Assert.AreEqual("alpha", Assert.ThrowsExactly<ArgumentException>(() => new Elu(float.NaN)).ParamName);
        Assert.AreEqual("gamma", Assert.ThrowsExactly<ArgumentException>(() => new Selu(1f, float.PositiveInfinity)).ParamName);
        Assert.AreEqual("alpha", Assert.ThrowsExactly<ArgumentException>(() => new Celu(0f)).ParamName);
        Assert.AreEqual("alpha", Assert.ThrowsExactly<ArgumentException>(() => new ThresholdedReLU(float.NegativeInfinity)).ParamName);
    }

    // ---- PReLU: slope per channel or shared --------------------------------------------------------------

    private static readonly int[][] PReluShapes = [[1, 1], [4, 6], [1, 3, 5, 7], [2, 5, 9, 11], [3, 16, 33, 33]];

    [TestMethod]
    public void PReluForwardAndBackwardMatchReference()
    {
        int seed = 0;
        foreach (int[] shape in PReluShapes)
            foreach (bool shared in new[] { false, true })
            {
                seed++;
                int n = shape[0], c = shape[1], plane = new TensorShape(shape).SizeFrom(2), slopes = shared ? 1 : c;
                var check = new KernelCheck("PReLU", $"{new TensorShape(shape)} slope [{slopes}]", seed + 1);
                var x = check.From("x", Tensor.FromArray(Inputs(seed, n * c * plane), shape));
                var (slope, dy, y) = (check.Random("slope", slopes), check.Random("dy", shape), check.Output("y", shape));
                check.FastMatchesReference(() => PReLU.Forward(x.F, slope.F, y.F),
                    () => ActivationsReference.PReLUForward<double>(x.D, slope.D, y.D, n, c, plane), (y, 1e-6));

                // dSlope is a float sum of up to 3·1089 terms dy·x, whose rounding error scales with Σ|dy·x| (the
                // reference run with dy → −|dy|): allow 1e-6 of that (measured ≤ 7e-8), and never more than 1e-4 of
                // |dSlope| where the terms cancel (|dSlope| ≈ 10 against Σ|dy·x| ≈ 3000; measured ≤ 2.5e-6).
                var magnitude = new double[slopes];
                ActivationsReference.PReLUBackward<double>(x.D, slope.D, dy.D.Select(v => -Math.Abs(v)).ToArray(), new double[x.D.Length],
                    magnitude, n, c, plane);
                foreach (var width in Widths())
                {
                    var (dx, dSlope) = (check.Output($"dx {width}", shape), check.Output($"dSlope {width}", slopes));
                    check.FastMatchesReference(() => PReLU.Backward(x.F, slope.F, dy.F, dx.F, dSlope.F, width),
                        () => ActivationsReference.PReLUBackward<double>(x.D, slope.D, dy.D, dx.D, dSlope.D, n, c, plane), (dx, 1e-6));
                    for (int k = 0; k < slopes; k++)
                    {
                        double error = Math.Abs(dSlope.F.Span[k] - dSlope.D[k]);
                        double tolerance = Math.Min(1e-6 * Math.Max(1, magnitude[k]), 1e-4 * Math.Max(1, Math.Abs(dSlope.D[k])));
                        if (!(error <= tolerance))
                            Assert.Fail($"{check.Describe(dSlope)}: element {k} is {dSlope.F.Span[k]}, expected {dSlope.D[k]}; " +
                                $"error {error:E2} > {tolerance:E2} (Σ|dy·x| = {magnitude[k]:G4}).");
                    }
                }
            }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PReluReferenceBackwardMatchesFiniteDifferences(bool shared)
    {
        const int n = 2, c = 3, plane = 10;
        int slopes = shared ? 1 : c, length = n * c * plane;
        var check = new KernelCheck("PReLU reference", $"[{n}, {c}, {plane}] slope [{slopes}]", seed: 6);
        check.ReferenceMatchesFiniteDifferences(length, [check.From("x", TestData.ToDouble(Inputs(5, length))), check.Random("slope", slopes)],
            (v, y) => ActivationsReference.PReLUForward<double>(v[0], v[1], y, n, c, plane),
            (v, dy, d) => ActivationsReference.PReLUBackward<double>(v[0], v[1], dy, d[0], d[1], n, c, plane));
    }

    [TestMethod]
    public void PReluHandComputed()
    {
        // x [1, 2, 1, 2] = channel 0: (−2, 3), channel 1: (−4, −1); slopes 0.5 and 0.25.
        var x = Tensor.FromArray([-2f, 3f, -4f, -1f], 1, 2, 1, 2);
        var slope = Tensor.FromArray([0.5f, 0.25f], 2);
        var y = new Tensor(1, 2, 1, 2);
        PReLU.Forward(x, slope, y);
        CollectionAssert.AreEqual(new[] { -1f, 3f, -1f, -0.25f }, y.ToArray());
        var dx = new Tensor(1, 2, 1, 2);
        var dSlope = new Tensor(2);
        PReLU.Backward(x, slope, Tensor.FromArray([1f, 2f, 3f, 4f], 1, 2, 1, 2), dx, dSlope);
        CollectionAssert.AreEqual(new[] { 0.5f, 2f, 0.75f, 1f }, dx.ToArray());
        // dSlope0 = 1·(−2) = −2; dSlope1 = 3·(−4) + 4·(−1) = −16.
        CollectionAssert.AreEqual(new[] { -2f, -16f }, dSlope.ToArray());
    }

    [TestMethod]
    public void PReluBadArgumentsNameTheParameter()
    {
        var x = new Tensor(2, 3, 4, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => PReLU.Forward(x, new Tensor(4), new Tensor(2, 3, 4, 4)));
        Assert.AreEqual("slope", e.ParamName);
        StringAssert.Contains(e.Message, "[4]");
        StringAssert.Contains(e.Message, "[3]");
        Assert.AreEqual("x", Assert.ThrowsExactly<ArgumentException>(() => PReLU.Forward(new Tensor(5), new Tensor(1), new Tensor(5))).ParamName);
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => PReLU.Forward(x, new Tensor(3), new Tensor(2, 3, 4, 5))).ParamName);
        Assert.AreEqual("dSlope", Assert.ThrowsExactly<ArgumentException>(
            () => PReLU.Backward(x, new Tensor(3), new Tensor(2, 3, 4, 4), new Tensor(2, 3, 4, 4), new Tensor(1))).ParamName);
    }
}
