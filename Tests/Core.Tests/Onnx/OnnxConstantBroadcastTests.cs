using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Sub and Mul of a tensor [N, 3, 4, 5] and a constant of any shape that broadcasts to it (ONNX's NumPy rules): a mean
/// image [1, 3, 4, 5], one value per channel, per row, per column, one number. Forward against ONNX Runtime, backward
/// against the chain rule (∂(x − a)·b/∂x = b).
/// </summary>
[TestClass]
public sealed class OnnxConstantBroadcastTests
{
    [TestMethod]
    [DataRow(new long[] { 1, 3, 4, 5 })]
    [DataRow(new long[] { 3, 4, 5 })]
    [DataRow(new long[] { 3, 1, 1 })]
    [DataRow(new long[] { 1, 3, 1, 1 })]
    [DataRow(new long[] { 4, 1 })]
    [DataRow(new long[] { 5 })]
    [DataRow(new long[] { 1, 1, 4, 5 })]
    [DataRow(new long[0])]
    public void AConstantOfAnyBroadcastShapeGivesWhatOnnxRuntimeGives(long[] dims)
    {
        int count = (int)dims.Aggregate(1L, (a, d) => a * d);
        var graph = new GraphProto { Name = "broadcast" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y", "N", 3, 4, 5));
        graph.Initializer.Add(Floats("a", TestData.Floats(1, count), dims));
        graph.Initializer.Add(Floats("b", TestData.Floats(2, count).Select(v => v + 2).ToArray(), dims));
        Node(graph, "Sub", ["x", "a"], "centered");
        Node(graph, "Mul", ["centered", "b"], "y");
        var bytes = Model(graph, 13);

        var network = OnnxImporter.Load(new MemoryStream(bytes));
        var input = TestData.Tensor(3, 2, 3, 4, 5);
        var actual = network.Forward(input, training: false);
        using var session = new InferenceSession(bytes);
        var (expected, _) = OrtRun.Output(session, input, "y", inputName: "x");
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual.Span[i], 1e-5, $"element {i}");

        // y = (x − a)·b, so ∂L/∂x = ∂L/∂y·b: with ∂L/∂y = 1 the gradient is b broadcast.
        network.InputGradientNeeded = true;
        network.Forward(input, training: true);
        var ones = new Tensor(actual.Shape);
        ones.Span.Fill(1);
        var dx = network.Backward(ones);
        var bOnly = new GraphProto { Name = "b" };
        bOnly.Input.Add(Value("x", "N", 3, 4, 5));
        bOnly.Output.Add(Value("y", "N", 3, 4, 5));
        bOnly.Initializer.Add(Floats("b", TestData.Floats(2, count).Select(v => v + 2).ToArray(), dims));
        Node(bOnly, "Mul", ["x", "b"], "y");
        var onesInput = new Tensor(input.Shape);
        onesInput.Span.Fill(1);
        using var bSession = new InferenceSession(Model(bOnly, 13));
        var (b, _) = OrtRun.Output(bSession, onesInput, "y", inputName: "x");
        CollectionAssert.AreEqual(b, dx.ToArray());
    }

    [TestMethod]
    public void AConstantThatDoesNotBroadcastIsRefusedWithBothShapes()
    {
        var graph = new GraphProto { Name = "broadcast" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y", "N", 3, 4, 5));
        graph.Initializer.Add(Floats("a", TestData.Floats(1, 2), 2, 1, 1));
        Node(graph, "Sub", ["x", "a"], "y");
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 13))).Forward(TestData.Tensor(1, 1, 3, 4, 5), false));
        StringAssert.Contains(e.Message, "[2, 1, 1]");
        StringAssert.Contains(e.Message, "[1, 3, 4, 5]");
    }
}
