using System.Text.Json.Nodes;
using MLNet.Cnn.Onnx;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>The layers of weights: convolution (ONNX Conv), transposed convolution (ConvTranspose) and dense (Gemm; MatMul on import).</summary>
internal static class LinearKinds
{
    public static readonly LayerKind[] All =
    [
        LayerKind.Of<Conv2dLayer>("Conv2d", l => new JsonObject
            {
                ["inChannels"] = l.InChannels, ["outChannels"] = l.OutChannels, ["kernel"] = Array(l.KernelHeight, l.KernelWidth),
                ["stride"] = Array(l.StrideH, l.StrideW), ["padding"] = Padding(l.Padding), ["dilation"] = l.Dilation,
                ["groups"] = l.Groups, ["bias"] = l.HasBias,
            }, (name, c, _) => new Conv2dLayer(name, Int(c, "inChannels"), Int(c, "outChannels"), Ints(c, "kernel")[0], Ints(c, "kernel")[1],
                Ints(c, "stride")[0], Ints(c, "stride")[1], Padding(c["padding"]), Int(c, "dilation"), Int(c, "groups"), Bool(c, "bias")),
            (onnx, conv, x, shape, _) =>
            {
                var p = conv.Padding.Resolve(shape[2], shape[3], conv.KernelHeight, conv.KernelWidth, conv.StrideH, conv.StrideW, conv.Dilation);
                string[] inputs = conv.Bias is null ? [x, onnx.Weight(conv.Weight)] : [x, onnx.Weight(conv.Weight), onnx.Weight(conv.Bias)];
                return onnx.Node("Conv", conv.Name, inputs, Ints("kernel_shape", conv.KernelHeight, conv.KernelWidth),
                    Ints("strides", conv.StrideH, conv.StrideW), Ints("pads", p.Top, p.Left, p.Bottom, p.Right),
                    Ints("dilations", conv.Dilation, conv.Dilation), Int("group", conv.Groups));
            },
            ["Conv"], importStep: ImportConv),
        LayerKind.Of<ConvTranspose2dLayer>("ConvTranspose2d", WriteConvTranspose, ReadConvTranspose,
            (onnx, deconv, x, shape, _) =>
            {
                // The padding resolved for this input (derived from an output size or "same", it depends on the input).
                var g = deconv.GeometryFor(shape);
                var p = g.AsConvolution.Padding;
                string[] inputs = deconv.Bias is null ? [x, onnx.Weight(deconv.Weight)] : [x, onnx.Weight(deconv.Weight), onnx.Weight(deconv.Bias)];
                return onnx.Node("ConvTranspose", deconv.Name, inputs, Ints("kernel_shape", deconv.KernelHeight, deconv.KernelWidth),
                    Ints("strides", deconv.StrideH, deconv.StrideW), Ints("pads", p.Top, p.Left, p.Bottom, p.Right),
                    Ints("output_padding", g.OutputPaddingH, g.OutputPaddingW), Ints("dilations", deconv.Dilation, deconv.Dilation),
                    Int("group", deconv.Groups));
            },
            ["ConvTranspose"], importStep: ImportConvTranspose),
        LayerKind.Of<DenseLayer>("Dense", l => new JsonObject { ["inFeatures"] = l.InFeatures, ["outFeatures"] = l.OutFeatures, ["bias"] = l.HasBias },
            (name, c, _) => new DenseLayer(name, Int(c, "inFeatures"), Int(c, "outFeatures"), Bool(c, "bias")),
            (onnx, dense, x, _, _) => onnx.Node("Gemm", dense.Name,
                dense.Bias is null ? [x, onnx.Weight(dense.Weight)] : [x, onnx.Weight(dense.Weight), onnx.Weight(dense.Bias)], Int("transB", 1)),
            ["Gemm", "MatMul"], (node, graph) => node.OpType == "Gemm" ? ImportGemm(node, graph) : ImportMatMul(node, graph)),
    ];

    // W [M, C/group, kH, kW] (or [M, C/group, k] in 1-D), B [M]
    private static OnnxStep ImportConv(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var w = graph.Dims(node, node.Input(1), "W");
        if (w.Length is not (3 or 4)) throw node.Unsupported("W", $"a {w.Length - 2}-D convolution; only 1-D and 2-D are supported");
        int groups = (int)node.Int("group", 1);
        var window = OnnxWindow.Read(node, w[2..]);
        var layer = new Conv2dLayer(node.Name, w[1] * groups, w[0], window.KernelH, window.KernelW, window.StrideH, window.StrideW,
            window.Padding, window.Dilation(node), groups, bias: node.Input(2) != "");
        LoadWeightAndBias(node, graph, layer.Weight, layer.Bias);
        return window.Step(node, layer);
    }

    // W [C, M/group, kH, kW] (or [C, M/group, k] in 1-D), B [M]. output_shape, if given, fixes the output's spatial size and
    // the pads are derived from it (the pads attribute is then ignored, as the specification says).
    private static OnnxStep ImportConvTranspose(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var w = graph.Dims(node, node.Input(1), "W");
        if (w.Length is not (3 or 4)) throw node.Unsupported("W", $"a {w.Length - 2}-D transposed convolution; only 1-D and 2-D are supported");
        int groups = (int)node.Int("group", 1);
        var window = OnnxWindow.Read(node, w[2..]);
        int rank = w.Length - 2;
        var outputPadding = OnnxWindow.Values(node, "output_padding", rank, 0);
        int[] strides = rank == 1 ? [window.StrideW] : [window.StrideH, window.StrideW];
        if (outputPadding.Where((p, i) => p < 0 || p >= strides[i]).Any())
            throw node.Unsupported("output_padding", $"[{string.Join(", ", outputPadding)}]; only values in [0, stride) are supported");
        var outputShape = node.Ints("output_shape") is { } shape ? OnnxWindow.Int32s(node, "output_shape", shape) : null;
        (int, int)? outputSize = null;
        var padding = window.Padding;
        if (outputShape is not null)
        {
            // output_shape may list the spatial sizes only or, as some exporters write it, N and C too.
            var spatial = outputShape.Length == rank + 2 ? outputShape[2..] : outputShape;
            if (spatial.Length != rank) throw node.Unsupported("output_shape", $"[{string.Join(", ", outputShape)}] for a {rank}-D window");
            outputSize = rank == 1 ? (1, spatial[0]) : (spatial[0], spatial[1]);
            if (!padding.IsSame) padding = ConvPadding.Valid;
        }
        var layer = new ConvTranspose2dLayer(node.Name, w[0], w[1] * groups, window.Kernel, window.Stride, padding,
            rank == 1 ? (0, outputPadding[0]) : (outputPadding[0], outputPadding[1]), outputSize, window.Dilation(node), groups,
            bias: node.Input(2) != "");
        LoadWeightAndBias(node, graph, layer.Weight, layer.Bias);
        return window.Step(node, layer);
    }

    private static JsonObject WriteConvTranspose(ConvTranspose2dLayer l)
    {
        var config = new JsonObject
        {
            ["inChannels"] = l.InChannels, ["outChannels"] = l.OutChannels, ["kernel"] = PairOrSide(l.KernelHeight, l.KernelWidth),
            ["stride"] = PairOrSide(l.StrideH, l.StrideW), ["padding"] = SideOrPadding(l.Padding),
            ["outputPadding"] = PairOrSide(l.OutputPaddingH, l.OutputPaddingW), ["dilation"] = l.Dilation, ["groups"] = l.Groups,
            ["bias"] = l.HasBias,
        };
        if (l.OutputSize is { } size) config["outputSize"] = Array(size.H, size.W);
        return config;
    }

    private static ConvTranspose2dLayer ReadConvTranspose(string name, JsonObject c, Layer[] _) =>
        new(name, Int(c, "inChannels"), Int(c, "outChannels"), Pair(c, "kernel"), Pair(c, "stride"), SideOrPadding(c["padding"]),
            Pair(c, "outputPadding"), c["outputSize"] is null ? null : Pair(c, "outputSize"), Int(c, "dilation"), Int(c, "groups"),
            Bool(c, "bias"));

    // y = alpha·A·B′ + beta·C, B′ = B [M, K] with transB, else Bᵀ of B [K, M]; C [M] or [1, M] is the bias (any other C,
    // and transA, the importer applies around the layer). alpha and beta are folded into the weight and the bias.
    private static DenseLayer ImportGemm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        var b = graph.Dims(node, node.Input(1), "B");
        if (b.Length != 2) throw node.Unsupported("B", $"a weight of rank {b.Length}; Gemm takes a matrix");
        bool transB = node.Int("transB", 0) != 0;
        var weight = graph.Floats(node, node.Input(1), "B");
        if (!transB) weight = Transpose(weight, b[0], b[1]);
        int outFeatures = transB ? b[0] : b[1], inFeatures = transB ? b[1] : b[0];
        var layer = new DenseLayer(node.Name, inFeatures, outFeatures, bias: HasColumnBias(node, graph));
        if (alpha == 0f) throw node.Unsupported("alpha", "0 (the product would not be trainable)");
        graph.Load(node, layer.Weight, node.Input(1), weight.Select(v => v * alpha).ToArray(),
            trained => transB ? trained.Select(v => v / alpha).ToArray() : Transpose(trained.Select(v => v / alpha).ToArray(), b[1], b[0]));
        if (layer.Bias is not null)
        {
            if (beta == 0f) throw node.Unsupported("beta", "0 (the bias would not be trainable)");
            var bias = graph.Floats(node, node.Input(2), "C");
            graph.Load(node, layer.Bias, node.Input(2), bias.Select(v => v * beta).ToArray(), trained => trained.Select(v => v / beta).ToArray());
        }
        return layer;
    }

    /// <summary>Whether a Gemm's C is one bias per output column, [N] or [1, N] (a dense layer's bias).</summary>
    internal static bool HasColumnBias(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.Input(2) == "") return false;
        var (b, c) = (graph.Dims(node, node.Input(1), "B"), graph.Dims(node, node.Input(2), "C"));
        int columns = b.Length != 2 ? -1 : node.Int("transB", 0) != 0 ? b[0] : b[1];
        return c.Length > 0 && c[^1] == columns && c[..^1].All(d => d == 1) && c.Length <= 2;
    }

    // A [N, K] · B [K, M] with a constant B: a dense layer with weight Bᵀ and no bias.
    private static DenseLayer ImportMatMul(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var b = graph.Dims(node, node.Input(1), "B");
        if (b.Length != 2) throw node.Unsupported("B", $"a weight of rank {b.Length}; only a constant matrix is supported");
        var layer = new DenseLayer(node.Name, b[0], b[1], bias: false);
        graph.Load(node, layer.Weight, node.Input(1), Transpose(graph.Floats(node, node.Input(1), "B"), b[0], b[1]),
            trained => Transpose(trained, b[1], b[0]));
        return layer;
    }

    private static void LoadWeightAndBias(OnnxNodeReader node, OnnxGraphImport graph, Parameter weight, Parameter? bias)
    {
        graph.Load(node, weight, node.Input(1));
        if (bias is not null) graph.Load(node, bias, node.Input(2));
    }

    // b [rows, cols] → [cols, rows]
    private static float[] Transpose(float[] b, int rows, int cols)
    {
        var t = new float[b.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = b[r * cols + c];
        return t;
    }
}
