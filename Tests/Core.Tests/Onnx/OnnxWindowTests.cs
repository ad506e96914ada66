using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// The window geometry of imported Conv, ConvTranspose, MaxPool and AveragePool beyond the specification's node cases:
/// auto_pad SAME_LOWER with odd totals, pads beyond half the kernel, asymmetric pads, rectangular strides, ceil mode,
/// dilations, count_include_pad, 1-D windows, ConvTranspose's output_padding and output_shape, and MaxPool's Indices in
/// both storage orders. Forward against ONNX Runtime, backward against finite differences. (ONNX Runtime takes pool pads
/// smaller than the kernel only; the importer takes them up to the dilated kernel, as the specification's reference does.)
/// </summary>
[TestClass]
public sealed class OnnxWindowTests
{
    [TestMethod]
    public void ConvolutionsMatchOnnxRuntime()
    {
        // SAME_LOWER, stride 2, a 4×3 kernel: odd totals on both axes, the odd row and column at the top and left.
        Check("Conv", [1, 2, 7, 8], [3, 2, 4, 3], String("auto_pad", "SAME_LOWER"), Ints("strides", 2, 2));
        // Pads larger than the kernel on one side, none on the other, unequal strides.
        Check("Conv", [1, 2, 5, 6], [2, 2, 2, 3], Ints("pads", 3, 0, 0, 4), Ints("strides", 1, 2));
        // 1-D: stride 2, dilation 2, pads [2, 1], two groups.
        Check("Conv", [2, 4, 11], [6, 2, 3], Ints("strides", 2), Ints("dilations", 2), Ints("pads", 2, 1), Int("group", 2));
    }

    [TestMethod]
    public void TransposedConvolutionsMatchOnnxRuntime()
    {
        // A 3×2 kernel, strides [3, 2], asymmetric pads, output_padding per axis, two groups.
        Check("ConvTranspose", [1, 4, 3, 4], [4, 3, 3, 2], Ints("strides", 3, 2), Ints("pads", 1, 0, 2, 1), Ints("output_padding", 2, 1),
            Int("group", 2));
        // Dilation 2 with output padding.
        Check("ConvTranspose", [1, 2, 3, 3], [2, 2, 3, 3], Ints("strides", 2, 2), Ints("dilations", 2, 2), Ints("output_padding", 1, 1));
        // output_shape: an even total (split equally) on the height, none on the width.
        Check("ConvTranspose", [1, 2, 3, 4], [2, 3, 3, 3], Ints("strides", 3, 2), Ints("output_shape", 7, 9));
        // output_shape beyond the kernel's reach: the extra row is output padding.
        Check("ConvTranspose", [1, 2, 3, 3], [2, 1, 3, 3], Ints("strides", 3, 2), Ints("output_shape", 10, 7));
        // output_shape with odd totals (1 and 1): the odd row and column at the top and left (no auto_pad).
        Check("ConvTranspose", [1, 2, 3, 4], [2, 3, 3, 3], Ints("strides", 3, 2), Ints("output_shape", 8, 8));
        // SAME_UPPER with an odd total (output 6 of 7): the odd row and column at the bottom and right.
        Check("ConvTranspose", [1, 2, 3, 3], [2, 2, 3, 3], Ints("strides", 2, 2), String("auto_pad", "SAME_UPPER"));
        // SAME_UPPER with an even total.
        Check("ConvTranspose", [1, 2, 3, 4], [2, 2, 4, 4], Ints("strides", 2, 2), String("auto_pad", "SAME_UPPER"));
        // 1-D with stride 3, pads [1, 2] and output padding 1.
        Check("ConvTranspose", [2, 2, 5], [2, 3, 4], Ints("strides", 3), Ints("pads", 1, 2), Ints("output_padding", 1));
    }

    [TestMethod]
    public void PoolsMatchOnnxRuntime()
    {
        // Pads beyond half the kernel, unequal strides, ceil mode.
        Check("MaxPool", [1, 3, 7, 8], null, Ints("kernel_shape", 3, 4), Ints("strides", 2, 3), Ints("pads", 2, 3, 1, 0), Int("ceil_mode", 1));
        Check("MaxPool", [1, 2, 7, 6], null, Ints("kernel_shape", 4, 3), Ints("strides", 2, 2), String("auto_pad", "SAME_LOWER"));
        Check("MaxPool", [1, 2, 8, 9], null, Ints("kernel_shape", 3, 3), Ints("dilations", 2, 2), Ints("pads", 2, 1, 2, 2));
        Check("MaxPool", [2, 3, 9], null, Ints("kernel_shape", 3), Ints("strides", 2), Ints("pads", 2, 2), Int("ceil_mode", 1));
        foreach (int countIncludePad in new[] { 0, 1 })
        {
            Check("AveragePool", [1, 2, 6, 7], null, Ints("kernel_shape", 3, 3), Ints("pads", 2, 2, 2, 1), Int("count_include_pad", countIncludePad));
            Check("AveragePool", [1, 2, 7, 6], null, Ints("kernel_shape", 4, 3), Ints("strides", 2, 2), String("auto_pad", "SAME_LOWER"),
                Int("count_include_pad", countIncludePad));
            Check("AveragePool", [2, 2, 10], null, Ints("kernel_shape", 4), Ints("strides", 3), Ints("pads", 3, 1), Int("ceil_mode", 1),
                Int("count_include_pad", countIncludePad));
        }
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void MaxPoolIndicesMatchOnnxRuntime(int storageOrder)
    {
        var graph = Graph("MaxPool", [2, 3, 5, 6], null, ["y", "i"], Ints("kernel_shape", 3, 2), Ints("strides", 2, 2),
            Ints("pads", 1, 1, 2, 0), Int("storage_order", storageOrder));
        graph.Output.Add(new ValueInfoProto { Name = "i", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Int64 } } });
        var model = Model(graph, 12);
        var x = TestData.Distinct(4, 2, 3, 5, 6);
        var network = OnnxImporter.Load(new MemoryStream(model));
        network.OutputName = "i";
        var indices = network.Run(x, training: false).Integers("i");
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [2, 3, 5, 6]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["x"], [value], ["i"]);
        CollectionAssert.AreEqual(results[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray(), indices.Shape);
        CollectionAssert.AreEqual(results[0].GetTensorDataAsSpan<long>().ToArray(), indices.Values);
        // The float output stays trainable.
        OnnxOpCheck.MatchesOnnxRuntime(model, x, "y");
    }

    [TestMethod]
    public void WindowsBeyondTheCoreAreRefusedByName()
    {
        foreach (var (op, attribute, why) in new[]
                 {
                     ("MaxPool", Ints("kernel_shape", 2, 2, 2), "3-D"),
                     ("MaxPool", Ints("dilations", 1, 2), "equal dilations"),
                     ("AveragePool", Ints("pads", -1, 0, 0, 0), "negative"),
                     ("MaxPool", Ints("pads", 0, 2, 0, 0), "padding only"),
                     ("ConvTranspose", Ints("output_padding", 2, 0), "[0, stride)"),
                 })
        {
            var attributes = attribute.Name == "kernel_shape" ? new[] { attribute } : [Ints("kernel_shape", 2, 2), attribute];
            var model = Model(Graph(op, [1, 1, 4, 4], op == "ConvTranspose" ? [1, 1, 2, 2] : null, ["y"], attributes), 13);
            var error = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(model)));
            StringAssert.Contains(error.Message, $"'{attribute.Name}'");
            StringAssert.Contains(error.Message, why);
        }
    }

    /// <summary>One node of <paramref name="op"/> on x of <paramref name="input"/> (its weight "w" of <paramref name="weight"/>, if any) against ONNX Runtime.</summary>
    private static void Check(string op, int[] input, int[]? weight, params AttributeProto[] attributes) =>
        OnnxOpCheck.MatchesOnnxRuntime(Model(Graph(op, input, weight, ["y"], attributes), 13), TestData.Distinct(7, input), "y");

    private static GraphProto Graph(string op, int[] input, int[]? weight, string[] outputs, params AttributeProto[] attributes)
    {
        var graph = new GraphProto { Name = op };
        graph.Input.Add(Value("x", "N", input[1..].Select(d => (long)d).ToArray()));
        graph.Output.Add(Value(outputs[0]));
        string[] inputs = ["x"];
        if (weight is not null)
        {
            graph.Initializer.Add(Floats("w", TestData.Floats(3, weight.Aggregate(1, (a, b) => a * b), 0.5f), weight.Select(d => (long)d).ToArray()));
            inputs = ["x", "w"];
        }
        Node(graph, op, inputs, outputs, attributes);
        return graph;
    }
}
