using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Layers;

[TestClass]
public sealed class ActivationLayerTests
{
    public static IEnumerable<object[]> Activations =>
    [
        [new ReLU()], [new ReLU6()], [new LeakyReLU(0.1f)], [new Sigmoid()], [new Tanh()],
        [new HardSigmoid()], [new HardSwish()], [new SiLU()], [new Elu(0.5f)], [new Selu()], [new Celu(1.5f)], [new Softplus()],
        [new Softsign()], [new ThresholdedReLU(0.5f)], [new Exp()], [new Log()], [new Sqrt()], [new Neg()], [new Abs()],
        [new Reciprocal()], [new Erf()], [new Atanh()],
    ];

    /// <summary>Inputs in ±[0.1, 4.1): off the kinks at 0 (every piecewise activation) and ±3 or 6 only by chance of the seed.</summary>
    private static float AwayFromZero(float v) => 4 * v + MathF.CopySign(0.1f, v);

    [TestMethod]
    [DynamicData(nameof(Activations))]
    public void EveryActivation(Activation activation) => LayerHarness.Check(new ActivationLayer("act", activation), new(2, 3, 4, 5), 0,
        inputMap: v => Kernels.ActivationTests.InDomain(activation, AwayFromZero(v)));

    [TestMethod]
    public void PReLUPerChannelAndShared()
    {
        LayerHarness.Check(new PReLULayer("prelu", 3), new(2, 3, 4, 4), 3, inputMap: AwayFromZero);
        LayerHarness.Check(new PReLULayer("prelu"), new(4, 6), 1, inputMap: AwayFromZero);
    }

    [TestMethod]
    public void PReLUSlopeStartsAtAQuarterAndTheInitializerKeepsIt()
    {
        var prelu = new PReLULayer("prelu", 2);
        Initializer.Initialize(prelu, seed: 7);
        CollectionAssert.AreEqual(new[] { 0.25f, 0.25f }, prelu.Slope.Value.ToArray());
        Assert.AreEqual(ParameterRole.Slope, prelu.Slope.Role);
    }

    [TestMethod]
    public void WrongArgumentsAndInputs()
    {
        ArgumentAssert.Throws(() => new PReLULayer("p", 0), "channels", "0");
        ArgumentAssert.Throws(() => new PReLULayer("p", 2, float.NaN), "initialSlope", "NaN");
        ArgumentAssert.Throws(() => new PReLULayer("prelu1", 3).OutputShape(new(1, 4, 2, 2)), "input", "prelu1", "[1, 4, 2, 2]", "[N, 3, …]");
        Assert.ThrowsExactly<ArgumentNullException>(() => new ActivationLayer("a", null!));
    }
}
