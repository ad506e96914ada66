using System.Runtime.InteropServices;
using Google.Protobuf;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Appends the nodes and initializers of a layer tree to an ONNX graph, for <see cref="OnnxExporter"/>; values are named
/// after their layers and made unique by a counter.
/// </summary>
internal sealed partial class OnnxGraphBuilder(int opset)
{
    private readonly HashSet<string> _names = [OnnxExporter.InputName, OnnxExporter.OutputName, OnnxExporter.FeaturesName];
    private int _counter;

    public GraphProto Graph { get; } = new();

    /// <summary>A layer whose output value <see cref="Emit"/> records in <see cref="Watched"/> (the cut of a feature graph).</summary>
    public Layer? Watch { get; init; }

    /// <summary>The value <see cref="Watch"/> produced and its shape (batch 1), once it has been emitted.</summary>
    public (string Name, TensorShape Shape)? Watched { get; private set; }

    /// <summary>Emits <paramref name="layer"/> applied to value <paramref name="x"/> of shape <paramref name="shape"/> (batch 1).</summary>
    public (string Name, TensorShape Shape) Emit(Layer layer, string x, TensorShape shape)
    {
        var output = layer.OutputShape(shape);
        string y = layer switch
        {
            Sequential seq => Chain(seq, x, shape),
            Residual res => Node("Add", res.Name, [Emit(res.Children[0], x, shape).Name,
                res.Children.Count > 1 ? Emit(res.Children[1], x, shape).Name : x]),
            Branches br => Node("Concat", br.Name, br.Children.Select(b => Emit(b, x, shape).Name).ToArray(), Int("axis", 1)),
            Gate gate => Node("Mul", gate.Name, [x, Emit(gate.Children[0], x, shape).Name]),
            Identity or DropoutLayer => x,
            Conv2dLayer conv => Conv(conv, x, shape),
            ConvTranspose2dLayer deconv => ConvTranspose(deconv, x),
            DenseLayer dense => Node("Gemm", dense.Name,
                dense.Bias is null ? [x, Weight(dense.Weight)] : [x, Weight(dense.Weight), Weight(dense.Bias)], Int("transB", 1)),
            BatchNorm2dLayer bn => Node("BatchNormalization", bn.Name,
                [x, Weight(bn.Gamma), Weight(bn.Beta), Initializer($"{bn.Name}.running_mean", bn.RunningMean.Span, bn.Channels),
                 Initializer($"{bn.Name}.running_var", bn.RunningVariance.Span, bn.Channels)], Float("epsilon", bn.Epsilon)),
            ActivationLayer act => Activation(act, x),
            PReLULayer prelu => PRelu(prelu, x, shape),
            MaxPool2dLayer max => Pool("MaxPool", max, x, shape, output,
                max.Dilation == 1 ? [] : [Ints("dilations", max.Dilation, max.Dilation)]),
            AvgPool2dLayer avg => Pool("AveragePool", avg, x, shape, output, [Int("count_include_pad", avg.CountIncludePad ? 1 : 0)]),
            GlobalAvgPoolLayer g => Node("GlobalAveragePool", g.Name, [x]),
            GlobalMaxPoolLayer g => Node("GlobalMaxPool", g.Name, [x]),
            FlattenLayer f => Node("Flatten", f.Name, [x], Int("axis", 1)),
            LrnLayer lrn => Lrn(lrn, x),
            ChannelShuffleLayer shuffle => Shuffle(shuffle, x, shape),
            PadLayer pad => Pad(pad, x),
            UpsampleLayer { Mode: UpsampleMode.Nearest, Scale: null } up => NearestToSize(up, x, shape, output),
            UpsampleLayer up => Resize(up, x, output),
            SoftmaxLayer sm => Node(sm.Log ? "LogSoftmax" : "Softmax", sm.Name, [x], Int("axis", sm.Axis)),
            OnnxNetwork imported => Embed(imported, x),
            ChannelSlice slice => Node("Slice", slice.Name,
                [x, Int64s($"{slice.Name}.starts", slice.Start), Int64s($"{slice.Name}.ends", slice.Start + slice.Count),
                 Int64s($"{slice.Name}.axes", 1)]),
            _ => throw new NotSupportedException(
                $"Layer '{layer.Name}' of type {layer.GetType().Name} has no ONNX mapping; the model cannot be exported to ONNX."),
        };
        if (ReferenceEquals(layer, Watch)) Watched ??= (y, output);
        return (y, output);
    }

    /// <summary>(x − mean[c]) / std[c] as a Sub and a Div node, the per-channel constants shaped [C, 1, 1] to broadcast over [N, C, H, W].</summary>
    public string Normalize(string x, Normalization normalization)
    {
        long channels = normalization.Mean.Count;
        string centered = Node("Sub", $"{x}.centered", [x, Initializer($"{x}.mean", normalization.Mean.ToArray(), channels, 1, 1)]);
        return Node("Div", $"{x}.normalized", [centered, Initializer($"{x}.std", normalization.Std.ToArray(), channels, 1, 1)]);
    }

    /// <summary>[N, d1, d2, …] → [N, d1·d2·…].</summary>
    public string Flatten(string x) => Node("Flatten", $"{x}.flat", [x], Int("axis", 1));

    /// <summary>Names the final value <paramref name="output"/>: renames the output of the node that makes it, or adds an Identity.</summary>
    public void Finish(string last, string output)
    {
        var producer = Graph.Node.LastOrDefault(n => n.Output.Contains(last));
        bool consumed = Graph.Node.Any(n => n.Input.Contains(last));
        if (producer is not null && !consumed)
        {
            producer.Output[producer.Output.IndexOf(last)] = output;
            return;
        }
        var identity = new NodeProto { Name = output, OpType = "Identity" };
        identity.Input.Add(last);
        identity.Output.Add(output);
        Graph.Node.Add(identity);
    }

    private string Chain(Sequential seq, string x, TensorShape shape)
    {
        foreach (var child in seq.Children) (x, shape) = Emit(child, x, shape);
        return x;
    }

    private string Conv(Conv2dLayer conv, string x, TensorShape shape)
    {
        var p = conv.Padding.Resolve(shape[2], shape[3], conv.KernelHeight, conv.KernelWidth, conv.StrideH, conv.StrideW, conv.Dilation);
        string[] inputs = conv.Bias is null ? [x, Weight(conv.Weight)] : [x, Weight(conv.Weight), Weight(conv.Bias)];
        return Node("Conv", conv.Name, inputs, Ints("kernel_shape", conv.KernelHeight, conv.KernelWidth),
            Ints("strides", conv.StrideH, conv.StrideW), Ints("pads", p.Top, p.Left, p.Bottom, p.Right),
            Ints("dilations", conv.Dilation, conv.Dilation), Int("group", conv.Groups));
    }

    private string ConvTranspose(ConvTranspose2dLayer deconv, string x)
    {
        string[] inputs = deconv.Bias is null ? [x, Weight(deconv.Weight)] : [x, Weight(deconv.Weight), Weight(deconv.Bias)];
        int p = deconv.Padding, op = deconv.OutputPadding;
        return Node("ConvTranspose", deconv.Name, inputs, Ints("kernel_shape", deconv.KernelSize, deconv.KernelSize),
            Ints("strides", deconv.Stride, deconv.Stride), Ints("pads", p, p, p, p), Ints("output_padding", op, op),
            Ints("dilations", deconv.Dilation, deconv.Dilation), Int("group", deconv.Groups));
    }

    private string Activation(ActivationLayer layer, string x)
    {
        string name = layer.Name;
        return layer.Activation switch
        {
            ReLU => Node("Relu", name, [x]),
            Clip clip => Node("Clip", name, [x, Scalar($"{name}.min", clip.Min), Scalar($"{name}.max", clip.Max)]),
            LeakyReLU leaky => Node("LeakyRelu", name, [x], Float("alpha", leaky.Slope)),
            Sigmoid => Node("Sigmoid", name, [x]),
            Tanh => Node("Tanh", name, [x]),
            HardSigmoid hard => Node("HardSigmoid", name, [x], Float("alpha", hard.Alpha), Float("beta", hard.Beta)),
            HardSwish when opset >= 14 => Node("HardSwish", name, [x]),
            HardSwish => Node("Mul", name, [x, Node("HardSigmoid", $"{name}.gate", [x], Float("alpha", 1f / 6f), Float("beta", 0.5f))]),
            SiLU => Node("Mul", name, [x, Node("Sigmoid", $"{name}.gate", [x])]),
            var other => throw new NotSupportedException(
                $"Layer '{name}' of type {nameof(ActivationLayer)} uses activation {other.GetType().Name}, which has no ONNX mapping."),
        };
    }

    private string PRelu(PReLULayer prelu, string x, TensorShape shape)
    {
        // ONNX broadcasts the slope from the trailing axes: [C] becomes [C, 1, …] to line up with axis 1.
        var dims = new long[Math.Max(1, shape.Rank - 1)];
        Array.Fill(dims, 1L);
        dims[0] = prelu.Channels;
        return Node("PRelu", prelu.Name, [x, Initializer(prelu.Slope.Name, prelu.Slope.Value.Span, dims)]);
    }

    private string Pool(string op, Pool2dLayer pool, string x, TensorShape shape, TensorShape output, AttributeProto[] extra)
    {
        var p = pool.Padding.Resolve(shape[2], shape[3], pool.KernelHeight, pool.KernelWidth, pool.StrideH, pool.StrideW, pool.Dilation);
        // Ceil mode only where it adds a window. Where the window it adds would start in the right padding, PyTorch's rule
        // (the core's, and ONNX Runtime's kernels') drops it, leaving floor mode's windows, but ONNX's shape inference keeps
        // it. (Should one axis keep its extra window and the other drop it, ceil mode stays, as ONNX Runtime computes it.)
        var floorMode = Pool2dGeometry.ForInput(shape, pool.KernelHeight, pool.KernelWidth, pool.StrideH, pool.StrideW, p,
            pool.Dilation, pool.Dilation).OutputShape;
        AttributeProto[] attributes =
        [
            Ints("kernel_shape", pool.KernelHeight, pool.KernelWidth), Ints("strides", pool.StrideH, pool.StrideW),
            Ints("pads", p.Top, p.Left, p.Bottom, p.Right), Int("ceil_mode", output != floorMode ? 1 : 0), .. extra,
        ];
        return Node(op, pool.Name, [x], attributes);
    }

    private string Lrn(LrnLayer lrn, string x)
    {
        string name = lrn.Name;
        if (lrn.Size % 2 == 1)
            return Node("LRN", name, [x], Int("size", lrn.Size), Float("alpha", lrn.Alpha), Float("beta", lrn.Beta), Float("bias", lrn.K));
        // ONNX Runtime's LRN takes odd sizes only (ONNX itself allows any), so an even size is written out: the window
        // [c − ⌊(size − 1)/2⌋, c + ⌈(size − 1)/2⌉] of x², zero past the edges, is averaged by a size×1×1 AveragePool over
        // [N, 1, C, H, W]; then y = x / (k + α·mean)^β, α·mean being α/size·Σ.
        string axis = Int64s($"{name}.axis", 1);
        string squares = Node("Unsqueeze", $"{name}.squares", [Node("Mul", $"{name}.square", [x, x]), axis]);
        string mean = Node("AveragePool", $"{name}.window", [squares], Ints("kernel_shape", lrn.Size, 1, 1),
            Ints("pads", (lrn.Size - 1) / 2, 0, 0, lrn.Size / 2, 0, 0), Int("count_include_pad", 1));
        string scaled = Node("Mul", $"{name}.scaled", [Node("Squeeze", $"{name}.mean", [mean, axis]), Scalar($"{name}.alpha", lrn.Alpha)]);
        string power = Node("Pow", $"{name}.power",
            [Node("Add", $"{name}.base", [scaled, Scalar($"{name}.k", lrn.K)]), Scalar($"{name}.beta", lrn.Beta)]);
        return Node("Div", name, [x, power]);
    }

    private string Shuffle(ChannelShuffleLayer shuffle, string x, TensorShape shape)
    {
        // [N, C, …] → [N, g, C/g, …] → swap axes 1, 2 → [N, C, …]; 0 in a Reshape target copies the (dynamic) batch.
        var rest = shape.Dimensions[2..].ToArray().Select(d => (long)d).ToArray();
        long[] split = [0, shuffle.Groups, shape[1] / shuffle.Groups, .. rest];
        long[] merged = [0, shape[1], .. rest];
        var perm = Enumerable.Range(0, split.Length).Select(i => (long)(i == 1 ? 2 : i == 2 ? 1 : i)).ToArray();
        string a = Node("Reshape", $"{shuffle.Name}.split", [x, Int64s($"{shuffle.Name}.split_shape", split)]);
        string b = Node("Transpose", $"{shuffle.Name}.transpose", [a], Ints("perm", perm));
        return Node("Reshape", shuffle.Name, [b, Int64s($"{shuffle.Name}.shape", merged)]);
    }

    private string Pad(PadLayer pad, string x)
    {
        var p = pad.Padding;
        string mode = pad.Mode switch
        {
            PadMode.Constant => "constant",
            PadMode.Reflect => "reflect",
            PadMode.Replicate => "edge",
            var other => throw new NotSupportedException($"Layer '{pad.Name}' of type {nameof(PadLayer)} uses pad mode {other}, which has no ONNX mapping."),
        };
        var pads = Int64s($"{pad.Name}.pads", 0, 0, p.Top, p.Left, 0, 0, p.Bottom, p.Right);
        string[] inputs = pad.Mode == PadMode.Constant ? [x, pads, Scalar($"{pad.Name}.value", pad.Value)] : [x, pads];
        return Node("Pad", pad.Name, inputs, String("mode", mode));
    }

    private string Resize(UpsampleLayer up, string x, TensorShape output)
    {
        var attributes = up.Mode == UpsampleMode.Nearest
            // PyTorch's nearest: source index ⌊i·in/out⌋, exact in float32 for a whole scale (see NearestToSize).
            ? new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") }
            // half_pixel, not pytorch_half_pixel: that one reads index 0 for an output side of 1, where PyTorch and the
            // core still take (0 + ½)·in/out − ½ (ONNX Runtime clamps to [0, in − 1] as the core does).
            : [String("mode", "linear"), String("coordinate_transformation_mode", up.AlignCorners ? "align_corners" : "half_pixel")];
        if (up.Scale is int s)
            return Node("Resize", up.Name, [x, "", Floats($"{up.Name}.scales", 1f, 1f, s, s)], attributes);
        // Bilinear to a fixed size: sizes = shape(x)[0:2] ++ [Hout, Wout], so the batch stays dynamic.
        string shapeOf = Node("Shape", $"{up.Name}.shape", [x]);
        string nc = Node("Slice", $"{up.Name}.nc", [shapeOf, Int64s($"{up.Name}.nc_starts", 0), Int64s($"{up.Name}.nc_ends", 2)]);
        string sizes = Node("Concat", $"{up.Name}.sizes", [nc, Int64s($"{up.Name}.hw", output[2], output[3])], Int("axis", 0));
        return Node("Resize", up.Name, [x, "", "", sizes], attributes);
    }

    /// <summary>
    /// Nearest to a fixed size as two Gathers of the source rows and columns the core reads: a Resize would compute them
    /// as i / (out/in) in float32, which falls one index short where i·in/out is whole (14 → 2 rows reads row 6, not 7, in
    /// ONNX Runtime), while the core takes the floor exactly.
    /// </summary>
    private string NearestToSize(UpsampleLayer up, string x, TensorShape input, TensorShape output)
    {
        static long[] Sources(int inSize, int outSize) =>
            Enumerable.Range(0, outSize).Select(i => (long)UpsampleNearest.Source(i, inSize, outSize)).ToArray();
        string rows = Node("Gather", $"{up.Name}.rows", [x, Int64s($"{up.Name}.source_rows", Sources(input[2], output[2]))], Int("axis", 2));
        return Node("Gather", up.Name, [rows, Int64s($"{up.Name}.source_columns", Sources(input[3], output[3]))], Int("axis", 3));
    }

    private string Node(string op, string name, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Unique(name);
        var node = new NodeProto { Name = output, OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    private string Unique(string name)
    {
        string unique = name;
        while (!_names.Add(unique)) unique = $"{name}_{++_counter}";
        return unique;
    }

    private string Weight(Parameter p) => Initializer(p.Name, p.Value.Span, p.Value.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray());

    private string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Scalar(string name, float value) => Initializer(name, [value]);

    private string Floats(string name, params float[] values) => Initializer(name, values, values.Length);

    private string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
