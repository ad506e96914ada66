using MLNet.Cnn.Detection;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The scoring outputs of networks whose output is a map [N, C, H, W] rather than a vector of logits: a YOLO head's
/// decoded boxes and class scores, and a segmentation network's per-pixel probabilities and classes; plus a row of
/// constants per image, which carries settings (thresholds, the input size) to whatever reads the graph's outputs.
/// </summary>
public sealed partial class ScoringHead
{
    /// <summary>
    /// The decoded predictions of a <see cref="YoloHead"/> whose output [N, A·(5 + K), H, W] is the network's, as
    /// <see cref="YoloHead.DecodeBox{T}(T, T, T, T, int, int, int, Span{T})"/> and <see cref="YoloDecoder"/> compute them:
    /// <paramref name="boxes"/> [N, P, 4] (x0, y0, x1, y1 in pixels of the network's input) and <paramref name="scores"/>
    /// [N, P, K] = σ(objectness)·softmax(class logits), for the P = A·H·W positions p = (a·H + i)·W + j. No threshold
    /// and no NMS: those run on the outputs.
    /// </summary>
    public ScoringHead YoloDetections(YoloHead head, string boxes, string scores)
    {
        ArgumentNullException.ThrowIfNull(head);
        var (height, width) = OutputGrid(head.Channels, $"a YOLO head of {head.AnchorCount} anchors and {head.ClassCount} classes");
        CheckFree(boxes);
        CheckFree(scores);
        int anchors = head.AnchorCount, fields = head.ChannelsPerAnchor, classes = head.ClassCount;
        long positions = (long)anchors * height * width;

        // [N, A·(5 + K), H, W] → [N, A, 5 + K, H, W], split into (tx, ty), (tw, th), objectness, class logits on axis 2.
        string grid = Binary("Reshape", "cnn_yolo_grid", LogitsValue, IntConstant("cnn_yolo_grid_shape", [0, anchors, fields, height, width]));
        var split = Node("Split", "cnn_yolo_split", [grid, IntConstant("cnn_yolo_split_sizes", [2, 2, 1, classes])],
            ["cnn_yolo_txy", "cnn_yolo_twh", "cnn_yolo_objectness", "cnn_yolo_class_logits"], [Int("axis", 2)]);
        foreach (var name in split.Output) CheckFree(name);
        _proto.Graph.Node.Add(split);
        foreach (var name in split.Output) _taken.Add(name);

        // centre = (cell + σ(t))·stride, with cell (j, i) on the field axis; half size = (anchor / 2)·e^min(t, ln 62.5)
        var cells = new float[2 * height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                cells[i * width + j] = j;
                cells[height * width + i * width + j] = i;
            }
        string center = Binary("Mul", "cnn_yolo_center",
            Binary("Add", "cnn_yolo_cell_offset", Unary("Sigmoid", "cnn_yolo_sigmoid_txy", "cnn_yolo_txy"), FloatConstant("cnn_yolo_cells", cells, 1, 1, 2, height, width)),
            FloatConstant("cnn_yolo_stride", [head.Stride], 1));
        var halfAnchors = new float[2 * anchors];
        for (int a = 0; a < anchors; a++) (halfAnchors[2 * a], halfAnchors[2 * a + 1]) = (0.5f * head.AnchorWidth(a), 0.5f * head.AnchorHeight(a));
        string half = Binary("Mul", "cnn_yolo_half_size",
            FloatConstant("cnn_yolo_half_anchors", halfAnchors, 1, anchors, 2, 1, 1),
            Unary("Exp", "cnn_yolo_scale", Binary("Min", "cnn_yolo_clamped_twh", "cnn_yolo_twh", FloatConstant("cnn_yolo_max_log_scale", [(float)YoloHead.MaxLogScale], 1))));
        string corners = Emit("Concat", "cnn_yolo_corners",
            [Binary("Sub", "cnn_yolo_top_left", center, half), Binary("Add", "cnn_yolo_bottom_right", center, half)], Int("axis", 2));

        string probabilities = Emit("Softmax", "cnn_yolo_class_probabilities", ["cnn_yolo_class_logits"], Int("axis", 2));
        string classScores = Binary("Mul", "cnn_yolo_class_scores", Unary("Sigmoid", "cnn_yolo_objectness_probability", "cnn_yolo_objectness"), probabilities);

        // [N, A, F, H, W] → [N, A, H, W, F] → [N, P, F]
        foreach (var (value, output, perPosition) in new[] { (corners, boxes, 4), (classScores, scores, classes) })
        {
            string moved = Emit("Transpose", $"{output}_by_position", [value], Ints("perm", 0, 1, 3, 4, 2));
            _proto.Graph.Node.Add(Node("Reshape", output, [moved, IntConstant($"{output}_shape", [0, positions, perPosition])], [output], []));
            _proto.Graph.Output.Add(OutputValue(output, TensorProto.Types.DataType.Float, positions, perPosition));
            _taken.Add(output);
        }
        return this;
    }

    /// <summary>
    /// <paramref name="output"/> [N, K·H·W]: the softmax over the K classes of a segmentation network's output
    /// [N, K, H, W] at every pixel, flattened class by class (index (k·H + i)·W + j).
    /// </summary>
    public ScoringHead PixelProbabilities(string output, int classes)
    {
        var (height, width) = OutputGrid(classes, $"a segmentation network of {classes} classes");
        CheckFree(output);
        string softmax = Unary("Softmax", $"{output}_map", LogitsValue, Int("axis", 1));
        return Flat(output, softmax, TensorProto.Types.DataType.Float, (long)classes * height * width);
    }

    /// <summary>
    /// <paramref name="output"/> [N, H·W] (int64): the most probable class of each pixel (index i·W + j) of a segmentation
    /// network's output [N, K, H, W]; the lowest class on a tie.
    /// </summary>
    public ScoringHead PixelClasses(string output, int classes)
    {
        var (height, width) = OutputGrid(classes, $"a segmentation network of {classes} classes");
        CheckFree(output);
        string argMax = Unary("ArgMax", $"{output}_map", LogitsValue, Int("axis", 1), Int("keepdims", 0));
        return Flat(output, argMax, TensorProto.Types.DataType.Int64, (long)height * width);
    }

    /// <summary>
    /// <paramref name="output"/> [N, values.Length]: the same row of constants for every image of the batch (a way to carry
    /// settings — thresholds, the input size — with the graph to whatever reads its outputs row by row).
    /// </summary>
    public ScoringHead Constants(string output, IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("At least one constant is needed.", nameof(values));
        CheckFree(output);
        // Expand([1, V] constants, [N, V]) with N read from the input's shape.
        string shape = Unary("Shape", $"{output}_input_shape", _proto.Graph.Input[0].Name);
        string batch = Emit("Slice", $"{output}_batch", [shape, IntConstant($"{output}_zero", [0]), IntConstant($"{output}_one", [1])]);
        string target = Emit("Concat", $"{output}_shape", [batch, IntConstant($"{output}_width", [values.Count])], Int("axis", 0));
        _proto.Graph.Node.Add(Node("Expand", output, [FloatConstant($"{output}_values", values.ToArray(), 1, values.Count), target], [output], []));
        _proto.Graph.Output.Add(OutputValue(output, TensorProto.Types.DataType.Float, values.Count));
        _taken.Add(output);
        return this;
    }

    /// <summary>The grid H × W of the network's output [N, channels, H, W]; throws when the network's output is not such a map.</summary>
    private (int Height, int Width) OutputGrid(int channels, string expected)
    {
        var shape = _model.Network.OutputShape(new TensorShape([1, .. _model.InputShape.Dimensions]));
        if (shape.Rank != 4 || shape[1] != channels)
            throw new ArgumentException($"'{_model.Network.Name}' gives {shape} for one image; {expected} gives [1, {channels}, H, W].");
        return (shape[2], shape[3]);
    }

    /// <summary>Reshapes <paramref name="value"/> to the graph output <paramref name="output"/> [N, width].</summary>
    private ScoringHead Flat(string output, string value, TensorProto.Types.DataType type, long width)
    {
        _proto.Graph.Node.Add(Node("Reshape", output, [value, IntConstant($"{output}_shape", [0, width])], [output], []));
        _proto.Graph.Output.Add(OutputValue(output, type, width));
        _taken.Add(output);
        return this;
    }

    /// <summary>Adds node <paramref name="op"/>(<paramref name="input"/>) with one output named <paramref name="name"/>; returns the name.</summary>
    private string Unary(string op, string name, string input, params AttributeProto[] attributes) => Emit(op, name, [input], attributes);

    private string Binary(string op, string name, string first, string second) => Emit(op, name, [first, second]);

    private string Emit(string op, string name, string[] inputs, params AttributeProto[] attributes)
    {
        CheckFree(name);
        _proto.Graph.Node.Add(Node(op, name, inputs, [name], attributes));
        _taken.Add(name);
        return name;
    }

    private string FloatConstant(string name, float[] values, params long[] dims)
    {
        CheckFree(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values);
        _proto.Graph.Initializer.Add(tensor);
        _taken.Add(name);
        return name;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>[N, dims…] with the dynamic batch N.</summary>
    private static ValueInfoProto OutputValue(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
