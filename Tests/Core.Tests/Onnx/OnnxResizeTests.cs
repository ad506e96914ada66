using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Resize (opsets 13 and 18) and Upsample (9) of [N, 2, 5, 6] imported and run against ONNX Runtime, every mode with the
/// coordinate modes and roundings beside the specification's node cases, by scales (non-uniform, up and down) or sizes;
/// gradients against finite differences.
/// </summary>
[TestClass]
public sealed class OnnxResizeTests
{
    [TestMethod]
    [DataRow("Resize", 13, "nearest", "half_pixel", "round_prefer_ceil", new[] { 1.5f, 0.5f }, null)]
    [DataRow("Resize", 13, "nearest", "align_corners", "floor", null, new long[] { 8, 4 })]
    [DataRow("Resize", 18, "nearest", "pytorch_half_pixel", "ceil", null, new long[] { 3, 9 })]
    [DataRow("Resize", 13, "linear", "asymmetric", "", new[] { 0.8f, 2.5f }, null)]
    [DataRow("Resize", 13, "linear", "pytorch_half_pixel", "", null, new long[] { 1, 4 })]
    [DataRow("Resize", 13, "cubic", "half_pixel", "", null, new long[] { 7, 4 })]
    [DataRow("Resize", 18, "cubic", "align_corners", "", new[] { 2f, 1f }, null)]
    [DataRow("Upsample", 9, "linear", "", "", new[] { 2f, 1.5f }, null)]
    [DataRow("Upsample", 9, "nearest", "", "", new[] { 2f, 2.5f }, null)]
    [DataRow("Resize", 10, "nearest", "", "", new[] { 1f, 1.5f }, null)]
    [DataRow("Resize", 10, "linear", "", "", new[] { 0.6f, 1.5f }, null)]
    public void AResizeGivesWhatOnnxRuntimeGives(string op, int opset, string mode, string transform, string nearest, float[]? scales, long[]? sizes)
    {
        var graph = new GraphProto { Name = "resize" };
        graph.Input.Add(Value("x", "N", 2, 5, 6));
        graph.Output.Add(Value("y"));
        List<AttributeProto> attributes = [String("mode", mode)];
        if (transform != "") attributes.Add(String("coordinate_transformation_mode", transform));
        if (nearest != "") attributes.Add(String("nearest_mode", nearest));
        if (scales is not null) graph.Initializer.Add(Floats("scales", [1f, 1f, .. scales], 4));
        if (sizes is not null) graph.Initializer.Add(Int64s("sizes", [4], [2, 2, .. sizes]));
        string[] inputs = op == "Upsample" || opset < 11 ? ["x", "scales"] : sizes is null ? ["x", "", "scales"] : ["x", "", "", "sizes"];
        Node(graph, op, inputs, "y", [.. attributes]);
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, opset), TestData.Distinct(5, 2, 2, 5, 6), "y");
    }

    [TestMethod]
    public void NearestDownSamplingAtOpset10IsRefused()
    {
        // Resize-10 does not say how nearest rounds; ONNX Runtime rounds up where an axis shrinks, floors where it grows.
        var graph = new GraphProto { Name = "resize" };
        graph.Input.Add(Value("x", "N", 2, 5, 6));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("scales", [1f, 1f, 0.6f, 1.5f], 4));
        Node(graph, "Resize", ["x", "scales"], "y", String("mode", "nearest"));
        var refusal = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 10))));
        StringAssert.Contains(refusal.Message, "nearest down-sampling at opset 10");
    }

    [TestMethod]
    public void CubicWithItsCoefficientAndExcludeOutside()
    {
        var graph = new GraphProto { Name = "resize" };
        graph.Input.Add(Value("x", "N", 2, 5, 6));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("scales", [1f, 1f, 0.6f, 1.7f], 4));
        Node(graph, "Resize", ["x", "", "scales"], "y", String("mode", "cubic"), Float("cubic_coeff_a", -0.5f), Int("exclude_outside", 1));
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(5, 2, 2, 5, 6), "y");
    }
}
