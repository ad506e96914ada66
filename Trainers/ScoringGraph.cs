using Google.Protobuf;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The ONNX graph a trainer hands to ML.NET's OnnxTransformer: the exported network with its input renamed to the pixel
/// column and, instead of the logits, the outputs the trainer asks for, each computed from the logits by a few nodes
/// (Softmax, ArgMax, MatMul …). ML.NET reads every output as a vector column named after it.
/// </summary>
internal sealed class ScoringGraph
{
    public const int Opset = 13;

    /// <summary>A one-slot raw score that a registered custom mapping turns into ML.NET's scalar columns (then dropped).</summary>
    public const string RawScoreColumnName = "CnnRawScore";

    private readonly ModelProto _proto;
    private readonly HashSet<string> _taken;
    private readonly CnnModel _model;

    public ScoringGraph(CnnModel model, string inputColumn)
    {
        _model = model;
        _proto = OnnxExporter.Build(model, Opset);
        var graph = _proto.Graph;
        _taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).ToHashSet();
        CheckFree(inputColumn);
        OnnxGraphEdits.Rename(graph, OnnxExporter.InputName, inputColumn);
        FoldNormalization(graph.Input[0].Name);
        graph.Output.Clear();
    }

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
    public static string Logits => OnnxExporter.OutputName;

    /// <summary>Adds a node computing <paramref name="output"/>, and makes it a graph output of shape [N] or [N, width].</summary>
    public ScoringGraph Output(string output, string op, string[] inputs, TensorProto.Types.DataType type, int? width, params AttributeProto[] attributes)
    {
        CheckFree(output);
        _proto.Graph.Node.Add(Node(op, output, inputs, [output], attributes));
        _proto.Graph.Output.Add(Value(output, type, width));
        _taken.Add(output);
        return this;
    }

    /// <summary>
    /// Test-time ten-crop (Krizhevsky et al. 2012), for a network trained with random crops of the image zero-padded by
    /// <paramref name="padding"/>: the graph input [N, C, H, W] is padded to [N, C, H + 2p, W + 2p], cut into its four
    /// corner crops and its center crop of H×W and their mirror images, which go through the network as one batch of
    /// 10N; returns the name of the class probabilities averaged over the ten crops, [N, K].
    /// </summary>
    public string TenCropProbabilities(int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(padding);
        var graph = _proto.Graph;
        string image = graph.Input[0].Name, crops = "cnn_ten_crops";
        OnnxGraphEdits.Redirect(graph, image, crops);
        int h = _model.InputShape[1], w = _model.InputShape[2], k = _model.Network.OutputShape(new MLNet.Cnn.Tensors.TensorShape([1, .. _model.InputShape.Dimensions]))[1];
        var nodes = new List<NodeProto>
        {
            Node("Pad", "cnn_pad", [image, IntConstant("cnn_pads", [0, 0, padding, padding, 0, 0, padding, padding])], ["cnn_padded"], []),
        };
        (long Top, long Left)[] corners = [(0, 0), (0, 2 * padding), (2 * padding, 0), (2 * padding, 2 * padding), (padding, padding)];
        var cropNames = new List<string>();
        string axes = IntConstant("cnn_crop_axes", [2, 3]);
        for (int c = 0; c < corners.Length; c++)
        {
            var (top, left) = corners[c];
            string starts = IntConstant($"cnn_crop{c}_starts", [top, left]), ends = IntConstant($"cnn_crop{c}_ends", [top + h, left + w]);
            nodes.Add(Node("Slice", $"cnn_crop{c}", ["cnn_padded", starts, ends, axes], [$"cnn_crop{c}"], []));
            cropNames.Add($"cnn_crop{c}");
        }
        // A mirror image is a Slice of the width axis with step −1, from the last column to before the first.
        string flipStarts = IntConstant("cnn_flip_starts", [-1]), flipEnds = IntConstant("cnn_flip_ends", [long.MinValue]),
            flipAxes = IntConstant("cnn_flip_axes", [3]), flipSteps = IntConstant("cnn_flip_steps", [-1]);
        for (int c = 0; c < corners.Length; c++)
        {
            nodes.Add(Node("Slice", $"cnn_mirror{c}", [$"cnn_crop{c}", flipStarts, flipEnds, flipAxes, flipSteps], [$"cnn_mirror{c}"], []));
            cropNames.Add($"cnn_mirror{c}");
        }
        nodes.Add(Node("Concat", "cnn_ten_crops", [.. cropNames], [crops], [Int("axis", 0)]));
        // The batch is crop-major: row c·N + n is crop c of image n, so [10N, K] reshapes to [10, N, K].
        for (int i = 0; i < nodes.Count; i++) graph.Node.Insert(i, nodes[i]);
        graph.Node.Add(Node("Softmax", "cnn_crop_probabilities", [Logits], ["cnn_crop_probabilities"], [Int("axis", 1)]));
        graph.Node.Add(Node("Reshape", "cnn_by_crop", ["cnn_crop_probabilities", IntConstant("cnn_by_crop_shape", [10, -1, k])], ["cnn_by_crop"], []));
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
    public string Constant(string name, float[] values, int rows, int columns)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(rows);
        tensor.Dims.Add(columns);
        tensor.FloatData.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    public byte[] ToBytes() => _proto.ToByteArray();

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private void CheckFree(string name)
    {
        if (_taken.Contains(name))
            throw new ArgumentException($"The column name '{name}' is also the name of a value inside the network's ONNX graph; choose another column name.");
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
