using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Slice and Split of a float [2, 3, 4, 5] on any axis: Slice's starts, ends, axes and steps as inputs (opset 10+) or
/// attributes (before), negative and clamped indices, steps of 2 and negative; Split by sizes (an attribute before opset 13,
/// an input since), into equal parts by output count, or by num_outputs (opset 18, last part smaller). Forward against
/// ONNX Runtime, backward against finite differences.
/// </summary>
[TestClass]
public sealed class OnnxSliceSplitTests
{
    [TestMethod]
    [DataRow(13, new long[] { 1 }, new long[] { 3 }, new long[] { 1 }, null)]
    [DataRow(13, new long[] { -3 }, new long[] { long.MaxValue }, new long[] { 3 }, null)]
    [DataRow(13, new long[] { 0, 1 }, new long[] { 2, -1 }, new long[] { 2, -1 }, new long[] { 2, 1 })]
    [DataRow(13, new long[] { -1 }, new long[] { long.MinValue }, new long[] { 3 }, new long[] { -1 })]
    [DataRow(13, new long[] { 3 }, new long[] { 0 }, new long[] { -2 }, new long[] { -2 })]
    [DataRow(13, new long[] { 10, -2 }, new long[] { -10, 100 }, new long[] { 3, 1 }, new long[] { -1, 1 })]
    [DataRow(13, new long[] { 1, 1 }, new long[] { 2, 3 }, null, null)]
    [DataRow(9, new long[] { 1 }, new long[] { 10 }, new long[] { 2 }, null)]
    public void ASliceGivesWhatOnnxRuntimeGivesAndItsGradient(int opset, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        var graph = new GraphProto { Name = "slice" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        graph.Output.Add(Value("y"));
        if (opset >= 10)
        {
            graph.Initializer.Add(Int64s("starts", [starts.Length], starts));
            graph.Initializer.Add(Int64s("ends", [ends.Length], ends));
            if (axes is not null) graph.Initializer.Add(Int64s("axes", [axes.Length], axes));
            if (steps is not null) graph.Initializer.Add(Int64s("steps", [steps.Length], steps));
            Node(graph, "Slice", ["x", "starts", "ends", axes is null ? "" : "axes", steps is null ? "" : "steps"], "y");
        }
        else Node(graph, "Slice", ["x"], "y", [Ints("starts", starts), Ints("ends", ends), .. axes is null ? [] : new[] { Ints("axes", axes) }]);

        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, opset), TestData.Distinct(3, 2, 3, 4, 5), "y");
    }

    [TestMethod]
    [DataRow(11, 1L, new long[] { 1, 2 }, 2, 0L)]
    [DataRow(13, 1L, null, 3, 0L)]
    [DataRow(13, -1L, new long[] { 2, 3 }, 2, 0L)]
    [DataRow(13, 2L, new long[] { 1, 2, 1 }, 3, 0L)]
    [DataRow(18, 3L, null, 3, 3L)]
    [DataRow(18, 0L, null, 2, 2L)]
    public void ASplitGivesWhatOnnxRuntimeGivesAndItsGradient(int opset, long axis, long[]? split, int outputs, long numOutputs)
    {
        var graph = new GraphProto { Name = "split" };
        graph.Input.Add(Value("x", "N", 3, 4, 5));
        var names = Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray();
        foreach (var name in names) graph.Output.Add(Value(name));
        List<AttributeProto> attributes = [Int("axis", axis)];
        if (numOutputs != 0) attributes.Add(Int("num_outputs", numOutputs));
        if (split is not null && opset < 13) attributes.Add(Ints("split", split));
        if (split is not null && opset >= 13) graph.Initializer.Add(Int64s("split", [split.Length], split));
        Node(graph, "Split", split is not null && opset >= 13 ? ["x", "split"] : ["x"], names, [.. attributes]);

        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, opset), TestData.Distinct(5, 2, 3, 4, 5), names);
    }

    [TestMethod]
    public void SliceBoundsComputedFromTheShapeFollowTheInput()
    {
        // x.chunk(2, dim=1) as PyTorch exports it (ShuffleNet v2): half = Shape(x)[1] / 2; y = x[:, :half], z = x[:, half:].
        var graph = new GraphProto { Name = "chunk" };
        graph.Input.Add(Value("x")); // any channel count
        graph.Output.Add(Value("y"));
        graph.Output.Add(Value("z"));
        graph.Initializer.Add(Int64s("one", [1], 1));
        graph.Initializer.Add(Int64s("two", [1], 2));
        graph.Initializer.Add(Int64s("zero", [1], 0));
        graph.Initializer.Add(Int64s("end", [1], long.MaxValue));
        Node(graph, "Shape", ["x"], "shape");
        Node(graph, "Gather", ["shape", "one"], "channels", Int("axis", 0));
        Node(graph, "Div", ["channels", "two"], "half");
        Node(graph, "Slice", ["x", "zero", "half", "one"], "y");
        Node(graph, "Slice", ["x", "half", "end", "one"], "z");

        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(3, 2, 6, 2, 2), "y", "z");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), TestData.Distinct(4, 1, 10, 2, 2), "y", "z");
    }

    [TestMethod]
    public void SplitSizesThatDoNotAddUpAndEmptyPartsAreRefusedByName()
    {
        var graph = new GraphProto { Name = "split" };
        graph.Input.Add(Value("x", "N", 4));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Int64s("split", [2], 1, 2));
        Node(graph, "Split", ["x", "split"], ["y", "z"], Int("axis", 1));
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        var sizes = Assert.ThrowsExactly<NotSupportedException>(() => network.Forward(TestData.Tensor(1, 1, 4), training: false));
        StringAssert.Contains(sizes.Message, "'/y/Split' (op Split)");
        StringAssert.Contains(sizes.Message, "[1, 2]");

        graph.Initializer[0].Int64Data[0] = 0; // sizes 0 and 4 add up …
        graph.Initializer[0].Int64Data[1] = 4;
        var empty = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 13))));
        StringAssert.Contains(empty.Message, "size 0"); // … but an empty part has no core tensor
    }
}
