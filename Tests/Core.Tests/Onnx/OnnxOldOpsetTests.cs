using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;
using AttributeType = MLNet.Cnn.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Attributes of opsets before 9 that exports still carry (CNTK's, as in ML.NET's ResNet-18 at opset 8): BatchNormalization's
/// <c>spatial</c> (1: per channel, as later opsets), <c>is_test</c> and <c>consumed_inputs</c>.
/// </summary>
[TestClass]
public sealed class OnnxOldOpsetTests
{
    private static byte[] BatchNorm(int opset, params AttributeProto[] attributes)
    {
        var graph = new GraphProto { Name = "bn" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y", "N", 3, 4, 5));
        graph.Initializer.Add(Floats("scale", [1.5f, 0.5f, 2f], 3));
        graph.Initializer.Add(Floats("bias", [0.1f, -0.2f, 0.3f], 3));
        graph.Initializer.Add(Floats("mean", [0.2f, -0.1f, 0.05f], 3));
        graph.Initializer.Add(Floats("var", [0.9f, 1.3f, 0.4f], 3));
        Node(graph, "BatchNormalization", ["x", "scale", "bias", "mean", "var"], "y",
            [new AttributeProto { Name = "epsilon", Type = AttributeType.Float, F = 1e-3f }, .. attributes]);
        return Model(graph, opset);
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    [TestMethod]
    public void BatchNormalizationOfOpset8WithSpatialOneGivesWhatOnnxRuntimeGives()
    {
        var bytes = BatchNorm(8, Int("spatial", 1), new AttributeProto { Name = "momentum", Type = AttributeType.Float, F = 0.99f });
        var input = TestData.Tensor(4, 2, 3, 4, 5);
        var actual = OnnxImporter.Load(new MemoryStream(bytes)).Forward(input, training: false);
        using var session = new InferenceSession(bytes);
        var (expected, _) = OrtRun.Output(session, input, "y", inputName: "x");
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual.Span[i], 1e-5, $"element {i}");
    }

    [TestMethod]
    public void IsTestAndConsumedInputsOfOpset6AreRead()
    {
        var bytes = BatchNorm(6, Int("is_test", 1), new AttributeProto { Name = "consumed_inputs", Type = AttributeType.Ints, Ints = { 0, 0, 0, 1, 1 } });
        var actual = OnnxImporter.Load(new MemoryStream(bytes)).Forward(TestData.Tensor(5, 1, 3, 4, 5), training: false);
        var expected = OnnxImporter.Load(new MemoryStream(BatchNorm(9))).Forward(TestData.Tensor(5, 1, 3, 4, 5), training: false);
        CollectionAssert.AreEqual(expected.ToArray(), actual.ToArray(), "neither changes what the node computes");
    }

    [TestMethod]
    public void SpatialZeroIsRefusedByName()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(BatchNorm(8, Int("spatial", 0)))));
        StringAssert.Contains(e.Message, "'spatial'");
        StringAssert.Contains(e.Message, "per activation");
    }
}
