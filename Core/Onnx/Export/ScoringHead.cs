using Google.Protobuf;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A scoring graph: the exported network with its input renamed (e.g. to the column a host such as ML.NET's
/// OnnxTransformer feeds), its normalization folded in front of it, and, instead of the logits, the outputs asked for —
/// class probabilities (softmax, or averaged over ten crops), the arg-max class, the raw logits, or the binary margin —
/// each computed from the logits by a few ONNX nodes. Every output is [N] or [N, width] with a dynamic batch N.
/// <code>
/// byte[] onnx = new ScoringHead(model, "Features").Probabilities("Score").ArgMax("PredictedLabel", "Score").ToBytes();
/// </code>
/// </summary>
public sealed partial class ScoringHead
{
    /// <summary>The ONNX opset the scoring head is written for.</summary>
    public const int Opset = 13;

    private readonly ModelProto _proto;
    private readonly HashSet<string> _taken;
    private readonly CnnModel _model;
    private readonly int _outputs;

    /// <param name="inputName">The name of the graph's input, [N, C, H, W] pixels before the model's normalization.</param>
    public ScoringHead(CnnModel model, string inputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        _model = model;
        _outputs = model.Network.OutputShape(new TensorShape([1, .. model.InputShape.Dimensions]))[1];
        _proto = OnnxExporter.Build(model, Opset);
        var graph = _proto.Graph;
        _taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).ToHashSet();
        CheckFree(inputName);
        OnnxGraphEdits.Rename(graph, OnnxExporter.InputName, inputName);
        FoldNormalization(graph.Input[0].Name);
        graph.Output.Clear();
    }

    /// <summary>
    /// The graph of <see cref="OnnxExporter.FeaturesToBytes"/> — raw pixels in, the model's normalization folded in, the
    /// activation of <paramref name="layer"/> flattened to [N, D] out — with its input and output renamed.
    /// </summary>
    public static byte[] Features(CnnModel model, string layer, string inputName, string outputName)
    {
        var proto = OnnxExporter.BuildFeatures(model, layer, Opset);
        OnnxGraphEdits.Rename(proto.Graph, OnnxExporter.InputName, inputName);
        OnnxGraphEdits.Rename(proto.Graph, OnnxExporter.FeaturesName, outputName);
        return proto.ToByteArray();
    }

    /// <summary><paramref name="output"/> [N, K]: the softmax of the logits.</summary>
    public ScoringHead Probabilities(string output) =>
        Output(output, "Softmax", [LogitsValue], TensorProto.Types.DataType.Float, _outputs, Int("axis", 1));

    /// <summary><paramref name="output"/> [N, K]: the logits as they are.</summary>
    public ScoringHead Logits(string output) => Output(output, "Identity", [LogitsValue], TensorProto.Types.DataType.Float, _outputs);

    /// <summary><paramref name="output"/> [N, 1]: logit(class 1) − logit(class 0) of a two-class network.</summary>
    public ScoringHead Margin(string output)
    {
        if (_outputs != 2) throw new InvalidOperationException($"A margin needs a network with 2 outputs; '{_model.Network.Name}' has {_outputs}.");
        // [N, 2] logits × [[−1], [1]] = [N, 1].
        return Output(output, "MatMul", [LogitsValue, Constant("cnn_binary_difference", [-1f, 1f], 2, 1)], TensorProto.Types.DataType.Float, 1);
    }

    /// <summary><paramref name="output"/> [N] (int64): the index of the largest value of <paramref name="of"/> [N, K], an output added before.</summary>
    public ScoringHead ArgMax(string output, string of) =>
        Output(output, "ArgMax", [of], TensorProto.Types.DataType.Int64, null, Int("axis", 1), Int("keepdims", 0));

    /// <summary>
    /// <paramref name="output"/> [N, K]: class probabilities averaged over test-time ten crops, for a network trained on
    /// random crops of the image zero-padded by <paramref name="padding"/> (see <see cref="TenCropProbabilitiesValue"/>).
    /// </summary>
    public ScoringHead TenCropProbabilities(string output, int padding) =>
        Output(output, "Identity", [TenCropProbabilitiesValue(padding)], TensorProto.Types.DataType.Float, _outputs);

    /// <summary>
    /// The exported network expects normalized inputs; a model with a normalization other than the identity gets it as a
    /// Sub and a Div node on [C, 1, 1] constants in front of the network (as the featurizer's graph does), so the column
    /// takes the pixels as the data view has them. The metadata then says so.
    /// </summary>
    private void FoldNormalization(string input)
    {
        var n = _model.Normalization;
        if (n.Mean.All(m => m == 0) && n.Std.All(s => s == 1)) return;
        var graph = _proto.Graph;
        string centered = "cnn_input_centered", normalized = "cnn_input_normalized";
        OnnxGraphEdits.Redirect(graph, input, normalized);
        int channels = n.Mean.Count;
        graph.Node.Insert(0, Node("Sub", centered, [input, ChannelConstant("cnn_input_mean", n.Mean, channels)], [centered], []));
        graph.Node.Insert(1, Node("Div", normalized, [centered, ChannelConstant("cnn_input_std", n.Std, channels)], [normalized], []));
        _taken.Add(centered);
        _taken.Add(normalized);
        foreach (var entry in _proto.MetadataProps)
            if (entry.Key == OnnxExporter.NormalizationInGraphKey) entry.Value = "true";
    }

    private string ChannelConstant(string name, IReadOnlyList<float> values, int channels)
    {
        CheckFree(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add([channels, 1, 1]);
        tensor.FloatData.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    /// <summary>The network's output [N, outputs].</summary>
    private static string LogitsValue => OnnxExporter.OutputName;

    /// <summary>Adds a node computing <paramref name="output"/>, and makes it a graph output of shape [N] or [N, width].</summary>
    private ScoringHead Output(string output, string op, string[] inputs, TensorProto.Types.DataType type, int? width, params AttributeProto[] attributes)
    {
        CheckFree(output);
        _proto.Graph.Node.Add(Node(op, output, inputs, [output], attributes));
        _proto.Graph.Output.Add(Value(output, type, width));
        _taken.Add(output);
        return this;
    }

    /// <summary>
    /// Test-time ten-crop (Krizhevsky et al. 2012): the graph input [N, C, H, W] is padded to [N, C, H + 2p, W + 2p] and
    /// cut into <see cref="TenCrop"/>'s ten H×W crops (the same regions, in the same order), which go through the network as
    /// one batch of 10N; returns the name of the class probabilities averaged over each image's ten crops, [N, K].
    /// </summary>
    private string TenCropProbabilitiesValue(int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(padding);
        var graph = _proto.Graph;
        string image = graph.Input[0].Name, crops = "cnn_ten_crops";
        OnnxGraphEdits.Redirect(graph, image, crops);
        int h = _model.InputShape[1], w = _model.InputShape[2];
        var nodes = new List<NodeProto>
        {
            Node("Pad", "cnn_pad", [image, IntConstant("cnn_pads", [0, 0, padding, padding, 0, 0, padding, padding])], ["cnn_padded"], []),
        };
        string axes = IntConstant("cnn_crop_axes", [2, 3]);
        // A mirror image is a Slice of the width axis with step −1, from the last column to before the first.
        string flipStarts = IntConstant("cnn_flip_starts", [-1]), flipEnds = IntConstant("cnn_flip_ends", [long.MinValue]),
            flipAxes = IntConstant("cnn_flip_axes", [3]), flipSteps = IntConstant("cnn_flip_steps", [-1]);
        var windows = TenCrop.Windows(h + 2 * padding, w + 2 * padding, h, w);
        var cropNames = new List<string>();
        for (int c = 0; c < windows.Count; c++)
        {
            var (top, left, mirrored) = windows[c];
            string region = $"cnn_crop{c}", starts = IntConstant($"{region}_starts", [top, left]), ends = IntConstant($"{region}_ends", [top + h, left + w]);
            nodes.Add(Node("Slice", region, ["cnn_padded", starts, ends, axes], [region], []));
            if (mirrored)
            {
                nodes.Add(Node("Slice", $"cnn_mirror{c}", [region, flipStarts, flipEnds, flipAxes, flipSteps], [$"cnn_mirror{c}"], []));
                region = $"cnn_mirror{c}";
            }
            cropNames.Add(region);
        }
        nodes.Add(Node("Concat", "cnn_ten_crops", [.. cropNames], [crops], [Int("axis", 0)]));
        // The batch is crop-major: row c·N + n is crop c of image n, so [10N, K] reshapes to [10, N, K].
        for (int i = 0; i < nodes.Count; i++) graph.Node.Insert(i, nodes[i]);
        graph.Node.Add(Node("Softmax", "cnn_crop_probabilities", [LogitsValue], ["cnn_crop_probabilities"], [Int("axis", 1)]));
        graph.Node.Add(Node("Reshape", "cnn_by_crop", ["cnn_crop_probabilities", IntConstant("cnn_by_crop_shape", [TenCrop.Count, -1, _outputs])], ["cnn_by_crop"], []));
        var mean = Node("ReduceMean", "cnn_ten_crop_mean", ["cnn_by_crop"], ["cnn_ten_crop_mean"], [Int("keepdims", 0)]);
        mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } });
        graph.Node.Add(mean);
        foreach (var name in nodes.SelectMany(n => n.Output).Append("cnn_ten_crop_mean")) _taken.Add(name);
        return "cnn_ten_crop_mean";
    }

    private string IntConstant(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    /// <summary>Adds a float constant [rows, columns] and returns its name.</summary>
    private string Constant(string name, float[] values, int rows, int columns)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(rows);
        tensor.Dims.Add(columns);
        tensor.FloatData.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    /// <summary>The ONNX model (opset <see cref="Opset"/>) with the outputs added so far.</summary>
    public byte[] ToBytes() => _proto.ToByteArray();

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private void CheckFree(string name)
    {
        if (_taken.Contains(name))
            throw new ArgumentException($"The name '{name}' is also the name of a value inside the network's ONNX graph; choose another column name.");
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>[N, width], or [N] when <paramref name="width"/> is null; N is the dynamic batch.</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
