using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Element-wise joins and MatMul of two computed values of different shapes under ONNX's broadcasting (the node cases have
/// one computed input only): x [N, 3, 4, 5] against its reductions, which keep some axes as 1, and constants first.
/// Forward against ONNX Runtime, backward (reduced over the broadcast axes) against finite differences.
/// </summary>
[TestClass]
public sealed class OnnxBroadcastJoinTests
{
    [TestMethod]
    [DataRow("Add", new long[] { 1 })]
    [DataRow("Sub", new long[] { 2, 3 })]
    [DataRow("Mul", new long[] { 0, 1 })]
    [DataRow("Mul", new long[] { 2, 3 })] // squeeze-and-excitation: a per-plane factor [N, C, 1, 1] first, the Mul kernel
    [DataRow("Div", new long[] { 1 })]
    [DataRow("Pow", new long[] { 3 })]
    [DataRow("Max", new long[] { 1 })]
    [DataRow("Min", new long[] { 2 })]
    [DataRow("Sum", new long[] { 1, 3 })]
    [DataRow("Mean", new long[] { 2 })]
    public void AJoinOfTwoComputedValuesBroadcastsBothWays(string op, long[] axes)
    {
        // r = ReduceL2(x) + 1 over axes, kept as 1 (positive: a divisor, a base), is broadcast along the reduced axes; the
        // join reads r first (x second), but divides x by r (x near 0 would be a divisor too steep for finite differences).
        var graph = new GraphProto { Name = "join" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("one", [1f]));
        Node(graph, "ReduceL2", ["x"], "l2", Ints("axes", axes), Int("keepdims", 1));
        Node(graph, "Add", ["l2", "one"], "r");
        Node(graph, op, op == "Div" ? ["x", "r"] : ["r", "x"], "y");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(3, 2, 3, 4, 5), "y");
    }

    [TestMethod]
    public void AResidualJoinOfAConvolutionAndAChannelMeanGivesWhatOnnxRuntimeGives()
    {
        // Add(Conv(x), ReduceMean(x over channels)) and a variadic Sum of x, a constant row and the channel mean.
        var graph = new GraphProto { Name = "residual" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y"));
        graph.Output.Add(Value("s"));
        graph.Initializer.Add(Floats("w", TestData.Floats(4, 2 * 3 * 3 * 3), 2, 3, 3, 3));
        graph.Initializer.Add(Floats("row", TestData.Floats(5, 5), 5));
        Node(graph, "Conv", ["x", "w"], "conv", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        Node(graph, "ReduceMean", ["x"], "mean", Ints("axes", 1), Int("keepdims", 1));
        Node(graph, "Add", ["conv", "mean"], "y");
        Node(graph, "Sum", ["x", "row", "mean"], "s");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(6, 2, 3, 4, 5), "y", "s");
    }

    [TestMethod]
    [DataRow("Sub")]
    [DataRow("Div")]
    [DataRow("Pow")]
    public void AConstantFirstOperandWorks(string op)
    {
        // c − x, c / s, c ^ x with c [3, 1, 1] (one per channel) and s = x² + 1 > 0.
        var graph = new GraphProto { Name = "constant-first" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("c", [1.5f, 2f, 0.5f], 3, 1, 1));
        graph.Initializer.Add(Floats("one", [1f]));
        Node(graph, "Mul", ["x", "x"], "square");
        Node(graph, "Add", ["square", "one"], "s");
        Node(graph, op, ["c", op == "Div" ? "s" : "x"], "y");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(8, 2, 3, 4, 5), "y");
    }

    [TestMethod]
    public void RunsLongerThanOnePieceAreSplitAcrossThreadsCorrectly()
    {
        // Planes of 130 × 130 > 2¹⁴ elements: runs are cut into pieces. x·c (c per channel) + mean of x over channels.
        var graph = new GraphProto { Name = "long" };
        graph.Input.Add(Value("x", "N", 2, 130, 130));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("c", [0.5f, -2f], 2, 1, 1));
        Node(graph, "Mul", ["x", "c"], "scaled");
        Node(graph, "ReduceMean", ["x"], "mean", Ints("axes", 1), Int("keepdims", 1));
        Node(graph, "Add", ["scaled", "mean"], "y");
        var bytes = Model(graph, 13);
        var input = TestData.Tensor(15, 2, 2, 130, 130);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        var (expected, _) = OrtRun.Output(session, input, "y", inputName: "x");
        var actual = OnnxImporter.Load(new MemoryStream(bytes)).Forward(input, training: false).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5, $"element {i}");
    }

    [TestMethod]
    [DataRow(new long[] { 4 }, new long[] { 4 }, true)]     // [N, C] with [C]: per channel, the trained layer
    [DataRow(new long[] { 3, 4 }, new long[] { 4 }, false)] // [N, 3, 4] with [4]: along the last axis
    [DataRow(new long[] { 3, 4 }, new long[] { 3, 4 }, false)]
    [DataRow(new long[] { 3, 4 }, new long[] { 3, 1 }, true)]
    public void APReluSlopeBroadcastsToTheInputAndIsTrainedWherePerChannel(long[] input, long[] slope, bool trained)
    {
        var graph = new GraphProto { Name = "prelu" };
        graph.Input.Add(Value("x", "N", input));
        graph.Output.Add(Value("y"));
        int count = (int)slope.Aggregate(1L, (a, d) => a * d);
        graph.Initializer.Add(Floats("slope", TestData.Floats(16, count).Select(v => v + 0.5f).ToArray(), slope));
        Node(graph, "PRelu", ["x", "slope"], "y");
        var bytes = Model(graph, 16);
        OnnxOpCheck.MatchesOnnxRuntime(bytes, TestData.Distinct(17, [2, .. input.Select(d => (int)d)]), "y");
        Assert.AreEqual(trained, OnnxImporter.Load(new MemoryStream(bytes)).Initializers.ContainsKey("slope"));
    }

    [TestMethod]
    public void MaxSharesTheGradientOfTiedOperandsEvenly()
    {
        var graph = new GraphProto { Name = "max" };
        graph.Input.Add(Value("x", "N", 4));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("c", [1f, 1f, 1f, 1f], 4));
        Node(graph, "Max", ["x", "c", "x"], "y");
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        network.InputGradientNeeded = true;
        network.Forward(Tensor.FromArray([2f, 1f, 0f, 1f], 1, 4), training: true);
        var dy = Tensor.FromArray([1f, 1f, 1f, 1f], 1, 4);
        // x wins twice (it is read twice) at 2: 1; ties x, c, x at 1: ⅔ to x; c wins at 0: 0.
        CollectionAssert.AreEqual(new[] { 1f, 2f / 3, 0f, 2f / 3 }, network.Backward(dy).ToArray());
    }

    [TestMethod]
    public void MatMulBroadcastsItsBatchAxesForComputedAndConstantOperands()
    {
        // x [N, 2, 3, 4]: channels-last Linear (Transpose → MatMul by [2, 5] → a dense layer), a constant batch [2, 4, 3],
        // x · xᵀ, and x · (channel mean of x)ᵀ [N, 1, 4, 3], whose batch axis 1 broadcasts.
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(Value("x", "N", 2, 3, 4));
        foreach (var output in new[] { "linear", "batch", "gram", "mixed" }) graph.Output.Add(Value(output));
        graph.Initializer.Add(Floats("w", TestData.Floats(9, 10), 2, 5));
        graph.Initializer.Add(Floats("b", TestData.Floats(10, 24), 2, 4, 3));
        Node(graph, "Transpose", ["x"], "last", Ints("perm", 0, 2, 3, 1));
        Node(graph, "MatMul", ["last", "w"], "linear");
        Node(graph, "MatMul", ["x", "b"], "batch");
        Node(graph, "Transpose", ["x"], "xt", Ints("perm", 0, 1, 3, 2));
        Node(graph, "MatMul", ["x", "xt"], "gram");
        Node(graph, "ReduceMean", ["xt"], "meant", Ints("axes", 1), Int("keepdims", 1));
        Node(graph, "MatMul", ["x", "meant"], "mixed");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(11, 2, 2, 3, 4), "linear", "batch", "gram", "mixed");
    }

    [TestMethod]
    public void ReshapesAndTransposesOfConstantsAreFoldedAndTheirTrainedWeightsSavedBack()
    {
        // y = x [N, 6] · Transpose(Reshape(w [12]) [2, 6]) + Unsqueeze(b [2]): the weight becomes a dense layer's.
        var graph = new GraphProto { Name = "folded" };
        graph.Input.Add(Value("x", "N", 6));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Floats("w", TestData.Floats(12, 12), 12));
        graph.Initializer.Add(Floats("b", [0.5f, -0.5f], 2));
        graph.Initializer.Add(Int64s("shape", [2], 2, 6));
        graph.Initializer.Add(Int64s("axes", [1], 0));
        Node(graph, "Reshape", ["w", "shape"], "w2");
        Node(graph, "Transpose", ["w2"], "wt", Ints("perm", 1, 0));
        Node(graph, "Unsqueeze", ["b", "axes"], "b2");
        Node(graph, "MatMul", ["x", "wt"], "xw");
        Node(graph, "Add", ["xw", "b2"], "y");
        var bytes = Model(graph, 13);
        OnnxOpCheck.MatchesOnnxRuntime(bytes, TestData.Distinct(13, 3, 6), "y");

        var network = OnnxImporter.Load(new MemoryStream(bytes));
        network.Initializers["wt"].Value.Span.Fill(0.25f);
        var input = TestData.Tensor(14, 3, 6);
        var saved = network.ToOnnxBytes();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(saved);
        var (expected, _) = OrtRun.Output(session, input, "y", inputName: "x");
        CollectionAssert.AreEqual(expected, network.Forward(input, training: false).ToArray());
    }
}
