using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// InstanceNormalization, GroupNormalization (opset 18's scale per group and 21's per channel) and LayerNormalization (with
/// its Mean and InvStdDev outputs) imported and run against ONNX Runtime, gradients against finite differences; the layers'
/// exports at the opset where LayerNormalization exists.
/// </summary>
[TestClass]
public sealed class OnnxNormalizationTests
{
    [TestMethod]
    [DataRow("InstanceNormalization", 13, 4)]
    [DataRow("GroupNormalization", 18, 2)]
    [DataRow("GroupNormalization", 21, 4)]
    public void InstanceAndGroupNormalizationGiveWhatOnnxRuntimeGives(string op, int opset, int parameters)
    {
        var graph = new GraphProto { Name = "norm" };
        graph.Input.Add(Value("x", "N", 4, 3, 5));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("scale", [.. TestData.Floats(3, parameters)], parameters));
        graph.Initializer.Add(Floats("bias", [.. TestData.Floats(4, parameters)], parameters));
        AttributeProto[] attributes = op == "GroupNormalization" ? [Int("num_groups", 2), Float("epsilon", 1e-3f)] : [Float("epsilon", 1e-3f)];
        Node(graph, op, ["x", "scale", "bias"], "y", attributes);
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, opset), TestData.Distinct(7, 2, 4, 3, 5), "y");
    }

    [TestMethod]
    [DataRow(-1L)]
    [DataRow(1L)]
    public void LayerNormalizationAndItsStatisticsGiveWhatOnnxRuntimeGives(long axis)
    {
        int[] normalized = axis == -1 ? [5] : [4, 3, 5];
        var graph = new GraphProto { Name = "layer_norm" };
        graph.Input.Add(Value("x", "N", 4, 3, 5));
        foreach (var output in new[] { "y", "mean", "inv_std" }) graph.Output.Add(Value(output));
        int count = normalized.Aggregate(1, (a, b) => a * b);
        var dims = normalized.Select(d => (long)d).ToArray();
        graph.Initializer.Add(Floats("scale", [.. TestData.Floats(3, count)], dims));
        graph.Initializer.Add(Floats("bias", [.. TestData.Floats(4, count)], dims));
        Node(graph, "LayerNormalization", ["x", "scale", "bias"], ["y", "mean", "inv_std"], Int("axis", axis), Float("epsilon", 1e-3f));
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 17), TestData.Distinct(7, 2, 4, 3, 5), "y", "mean", "inv_std");
    }

    [TestMethod]
    public void LayerNormIsExportedAsLayerNormalizationFromOpset17()
    {
        var layer = new LayerNormLayer("ln", [3, 4]);
        TestData.Floats(5, 12).CopyTo(layer.Gamma.Value.Span);
        TestData.Floats(6, 12).CopyTo(layer.Beta!.Value.Span);
        var model = new CnnModel(layer, new(2, 3, 4), []);
        var x = TestData.Tensor(8, 2, 2, 3, 4);
        var expected = layer.Forward(x, training: false).ToArray();
        foreach (int opset in new[] { 13, 17 })
        {
            var bytes = OnnxExporter.ToBytes(model, opset);
            Assert.AreEqual(opset >= 17, ModelProto.Parser.ParseFrom(bytes).Graph.Node.Any(n => n.OpType == "LayerNormalization"), $"opset {opset}");
            Approx.AssertClose(expected, OrtRun.Output(bytes, x), 1e-5, $"ONNX Runtime, opset {opset}");
            Approx.AssertClose(expected, OnnxImporter.Load(new MemoryStream(bytes)).Forward(x, training: false).Span, 1e-5, $"re-import, opset {opset}");
        }
    }
}
