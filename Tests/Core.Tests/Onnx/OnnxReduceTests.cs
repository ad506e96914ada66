using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// ReduceMean, ReduceSum, ReduceMax and ReduceL2 of [2, 3, 4, 5] over any axes: the axes an attribute (before opset 18, 13
/// for ReduceSum) or a constant input, negative ones, keepdims, none meaning all, noop_with_empty_axes. Forward against
/// ONNX Runtime, backward against finite differences; ReduceMax's ties and ReduceL2 at zero against their rules.
/// </summary>
[TestClass]
public sealed class OnnxReduceTests
{
    [TestMethod]
    [DataRow("ReduceMean", 13, new long[] { 2, 3 }, 1L, 0L)]
    [DataRow("ReduceMean", 18, new long[] { -1 }, 0L, 0L)]
    [DataRow("ReduceMean", 13, null, 1L, 0L)]
    [DataRow("ReduceMean", 11, new long[] { 1 }, -1L, 0L)]
    [DataRow("ReduceMean", 18, null, 1L, 1L)]
    [DataRow("ReduceSum", 13, new long[] { 1 }, 0L, 0L)]
    [DataRow("ReduceSum", 11, new long[] { 0, 2 }, 1L, 0L)]
    [DataRow("ReduceSum", 13, null, -1L, 0L)]
    [DataRow("ReduceMax", 13, new long[] { 1, 3 }, 1L, 0L)]
    [DataRow("ReduceMax", 18, new long[] { -2 }, 0L, 0L)]
    [DataRow("ReduceL2", 13, new long[] { 3 }, 1L, 0L)]
    [DataRow("ReduceL2", 18, new long[] { 1, -2 }, 0L, 0L)]
    public void AReductionGivesWhatOnnxRuntimeGivesAndItsGradient(string op, int opset, long[]? axes, long keepDims, long noop)
    {
        var graph = new GraphProto { Name = "reduce" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y"));
        bool axesInput = opset >= (op == "ReduceSum" ? 13 : 18);
        List<AttributeProto> attributes = [];
        if (keepDims >= 0) attributes.Add(Int("keepdims", keepDims));
        if (noop != 0) attributes.Add(Int("noop_with_empty_axes", noop));
        if (axes is not null && !axesInput) attributes.Add(Ints("axes", axes));
        if (axes is not null && axesInput) graph.Initializer.Add(Int64s("axes", [axes.Length], axes));
        Node(graph, op, axes is not null && axesInput ? ["x", "axes"] : ["x"], "y", [.. attributes]);

        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, opset), TestData.Distinct(7, 2, 3, 4, 5), "y");
    }

    [TestMethod]
    public void ReduceMaxSharesTheGradientEvenlyAmongTiedMaxima()
    {
        // amax's rule in PyTorch: y = max(3, 1, 3, 2) = 3, ∂y/∂x = [½, 0, ½, 0].
        var network = Reduce("ReduceMax");
        var dx = Gradient(network, [3, 1, 3, 2], 2);
        CollectionAssert.AreEqual(new[] { 1f, 0, 1, 0 }, dx);
    }

    [TestMethod]
    public void ReduceL2HasAZeroGradientAtZero()
    {
        var network = Reduce("ReduceL2");
        CollectionAssert.AreEqual(new[] { 0f, 0, 0, 0 }, Gradient(network, [0, 0, 0, 0], 1));
        CollectionAssert.AreEqual(new[] { 0.6f, 0, -0.8f, 0 }, Gradient(network, [3, 0, -4, 0], 1));
    }

    [TestMethod]
    public void AnUnknownAttributeAComputedAxesInputOrAScalarOutputIsRefusedByName()
    {
        var graph = new GraphProto { Name = "reduce" };
        graph.Input.Add(Value("x", "N", 4));
        graph.Output.Add(Value("y"));
        Node(graph, "ReduceMean", ["x"], "y", Int("mystery", 1));
        var error = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 13))));
        StringAssert.Contains(error.Message, "'/y/ReduceMean' (op ReduceMean)");
        StringAssert.Contains(error.Message, "'mystery'");

        graph.Node.Clear();
        Node(graph, "Relu", ["x"], "a");
        Node(graph, "ReduceMean", ["x", "a"], "y");
        error = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 18))));
        StringAssert.Contains(error.Message, "'axes'");

        graph.Node.Clear();
        Node(graph, "ReduceMean", ["x"], "y", Int("keepdims", 0)); // a scalar
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        error = Assert.ThrowsExactly<NotSupportedException>(() => network.Forward(TestData.Tensor(1, 2, 4), training: false));
        StringAssert.Contains(error.Message, "'/y/ReduceMean'");
        StringAssert.Contains(error.Message, "'keepdims'");
    }

    /// <summary>[N, 4] reduced over its last axis, opset 13.</summary>
    private static OnnxNetwork Reduce(string op)
    {
        var graph = new GraphProto { Name = "reduce" };
        graph.Input.Add(Value("x", "N", 4));
        graph.Output.Add(Value("y"));
        Node(graph, op, ["x"], "y", Ints("axes", 1));
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        network.InputGradientNeeded = true;
        return network;
    }

    private static float[] Gradient(OnnxNetwork network, float[] x, float dy)
    {
        var y = network.Forward(Tensor.FromArray(x, 1, x.Length), training: true);
        var gradient = new Tensor(y.Shape);
        gradient.Span.Fill(dy);
        return network.Backward(gradient).ToArray();
    }
}
