using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>Group, instance and layer normalization layers: the harness (gradients of x, γ and β; round trips) and their checks.</summary>
[TestClass]
public sealed class NormLayerTests
{
    [TestMethod]
    public void GroupNormPerChannelPerGroupAndInstance()
    {
        LayerHarness.Check(new GroupNormLayer("gn", 2, 4), new(2, 4, 3, 3), 8);
        LayerHarness.Check(GroupNormLayer.PerGroup("per_group", 3), new(2, 6, 2, 2), 6);
        LayerHarness.Check(new GroupNormLayer("instance", 3, 3), new(2, 3, 5), 6, noRoundTrips: "a 1-D input: the round trips take images");
        ArgumentAssert.Throws(() => new GroupNormLayer("gn", 3, 4), "groups", "divisible");
        ArgumentAssert.Throws(() => new GroupNormLayer("gn1", 2, 4).OutputShape(new(2, 6, 3, 3)), "input", "gn1", "[N, 4, …]");
        ArgumentAssert.Throws(() => GroupNormLayer.PerGroup("gn2", 4).OutputShape(new(2, 6, 3, 3)), "input", "gn2", "divisible by 4");
    }

    [TestMethod]
    public void GroupNormComputesWhatPyTorchsGroupNormComputes()
    {
        // nn.GroupNorm(2, 4, eps=0) on x [1, 4, 1, 2] = 1 … 8: group 0 holds 1 … 4 (μ 2.5, σ² 1.25), group 1 holds 5 … 8 (μ 6.5).
        var layer = new GroupNormLayer("gn", 2, 4, epsilon: 0f);
        new[] { 1f, 2f, 3f, 4f }.CopyTo(layer.Gamma.Value.Span);
        new[] { 0f, 0f, 1f, 1f }.CopyTo(layer.Beta!.Value.Span);
        var y = layer.Forward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 1, 4, 1, 2), training: false);
        double s = 1 / Math.Sqrt(1.25);
        Approx.AssertClose([-1.5 * s, -0.5 * s, 2 * 0.5 * s, 2 * 1.5 * s, 1 - 4.5 * s, 1 - 1.5 * s, 1 + 4 * 0.5 * s, 1 + 4 * 1.5 * s], y.Span, 1e-6, "y");
    }

    [TestMethod]
    public void LayerNormOverTheLastAxes()
    {
        LayerHarness.Check(new LayerNormLayer("ln", [3, 4]), new(2, 5, 3, 4), 24);
        LayerHarness.Check(new LayerNormLayer("last", [6], bias: false), new(3, 6), 6);
        LayerHarness.Check(new LayerNormLayer("tokens", [4]) { InputRank = 3 }, new(2, 5, 4), 8, noRoundTrips: "tokens [N, T, D], not images");
        ArgumentAssert.Throws(() => new LayerNormLayer("ln1", [4]) { InputRank = 3 }.OutputShape(new(2, 3, 5, 4)), "input", "ln1", "[…, 4] of rank 3");
        ArgumentAssert.Throws(() => new LayerNormLayer("ln", []), "normalizedShape");
    }
}
