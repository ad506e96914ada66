using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// The int64 shape arithmetic PyTorch writes for x.view(x.size(0), -1)-like code (Shape, Gather, Unsqueeze, Slice, Cast,
/// Div, Mul, Concat feeding a Reshape), in a hand-built graph: the imported network follows the batch size as ONNX
/// Runtime does. A Gemm with alpha, beta and an untransposed weight, saved back, gives the same outputs.
/// </summary>
[TestClass]
public sealed class OnnxShapeArithmeticTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    public void ReshapeToAComputedShapeFollowsTheBatch(int batch)
    {
        var bytes = Graph().ToByteArray();
        var network = OnnxImporter.Load(new MemoryStream(bytes));
        var input = TestData.Tensor(batch, batch, 2, 4, 4);
        var actual = network.Forward(input, training: false);

        // Saved back, the weights return to Gemm's layout (untransposed, alpha and beta taken out again).
        using var session = new InferenceSession(network.ToOnnxBytes());
        var (expected, _) = OrtRun.Output(session, input, "y", inputName: "x");
        CollectionAssert.AreEqual(new[] { batch, 5 }, actual.Shape.Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { batch, 5 }, network.OutputShape(input.Shape).Dimensions.ToArray());
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual.Span[i], 1e-5, $"element {i}");
    }

    // x [N, 2, 4, 4] → Conv 1×1 → c [N, 3, 4, 4]; s = Shape(c);
    // target = Concat(Unsqueeze(Gather(s, 0)), Cast(Slice(s, 2, 3)) / 2 · 24) = [N, 48];
    // y = Gemm(Reshape(c, target), W [48, 5], b [5], alpha 0.5, beta 2)
    private static ModelProto Graph()
    {
        var graph = new GraphProto { Name = "shapes" };
        graph.Input.Add(Value("x", "N", 2, 4, 4));
        graph.Output.Add(Value("y", "N", 5));
        graph.Initializer.Add(Floats("w", TestData.Floats(1, 3 * 2), 3, 2, 1, 1));
        graph.Initializer.Add(Floats("fc", TestData.Floats(2, 48 * 5), 48, 5));
        graph.Initializer.Add(Floats("bias", TestData.Floats(3, 5), 5));
        graph.Initializer.Add(Int64s("zero", [], 0));
        graph.Initializer.Add(Int64s("axes", [1], 0));
        graph.Initializer.Add(Int64s("start", [1], 2));
        graph.Initializer.Add(Int64s("end", [1], 3));
        graph.Initializer.Add(Int64s("two", [1], 2));
        graph.Initializer.Add(Int64s("planes", [], 24));
        Node(graph, "Conv", ["x", "w"], "c");
        Node(graph, "Shape", ["c"], "s");
        Node(graph, "Gather", ["s", "zero"], "n");
        Node(graph, "Unsqueeze", ["n", "axes"], "n1");
        Node(graph, "Slice", ["s", "start", "end"], "h");
        Node(graph, "Cast", ["h"], "h64", new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)DataType.Int64 });
        Node(graph, "Div", ["h64", "two"], "half");
        Node(graph, "Mul", ["half", "planes"], "features");
        Node(graph, "Concat", ["n1", "features"], "target", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        Node(graph, "Reshape", ["c", "target"], "flat");
        Node(graph, "Gemm", ["flat", "fc", "bias"], "y", new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f },
            new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = 2f });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }
}
