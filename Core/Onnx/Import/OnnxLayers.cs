using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Maps an ONNX node with one float input to the core layer that computes it, its weights copied from the graph's
/// initializers. Each method reads the attributes the op has; <see cref="OnnxNodeReader.RefuseUnread"/> then refuses any other.
/// </summary>
internal static class OnnxLayers
{
    public static Layer Create(OnnxNodeReader node, OnnxGraphImport graph) => node.OpType switch
    {
        "Conv" => Conv(node, graph),
        "ConvTranspose" => ConvTranspose(node, graph),
        "BatchNormalization" => BatchNorm(node, graph),
        "Gemm" => Gemm(node, graph),
        "MatMul" => MatMul(node, graph),
        "Relu" => new ActivationLayer(node.Name, new ReLU()),
        "Clip" => Clip(node, graph),
        "LeakyRelu" => new ActivationLayer(node.Name, new LeakyReLU(node.Float("alpha", 0.01f))),
        "PRelu" => PRelu(node, graph),
        "Sigmoid" => new ActivationLayer(node.Name, new Sigmoid()),
        "Tanh" => new ActivationLayer(node.Name, new Tanh()),
        "HardSigmoid" => new ActivationLayer(node.Name, new HardSigmoid(node.Float("alpha", 0.2f), node.Float("beta", 0.5f))),
        "HardSwish" => new ActivationLayer(node.Name, new HardSwish()),
        "MaxPool" => MaxPool(node),
        "AveragePool" => AveragePool(node),
        "GlobalAveragePool" => new GlobalAvgPoolLayer(node.Name),
        "GlobalMaxPool" => new GlobalMaxPoolLayer(node.Name),
        "Softmax" or "LogSoftmax" => new SoftmaxLayer(node.Name, (int)node.Int("axis", graph.Opset >= 13 ? -1 : 1), node.OpType == "LogSoftmax"),
        "LRN" => new LrnLayer(node.Name, (int)node.Int("size", 0), node.Float("alpha", 1e-4f), node.Float("beta", 0.75f), node.Float("bias", 1f)),
        "Pad" => Pad(node, graph),
        "Resize" or "Upsample" => Resize(node, graph),
        "Dropout" => Dropout(node, graph),
        _ => throw new NotSupportedException($"ONNX node '{node.Name}': op type '{node.OpType}' is not supported by the importer."),
    };

    // W [M, C/group, kH, kW], B [M]
    private static Conv2dLayer Conv(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var w = graph.Dims(node, node.Input(1), "W");
        if (w.Length != 4) throw node.Unsupported("W", $"a {w.Length - 2}-D convolution; only 2-D is supported");
        int groups = (int)node.Int("group", 1);
        var window = OnnxWindow.Read(node, w[2], w[3]);
        var layer = new Conv2dLayer(node.Name, w[1] * groups, w[0], w[2], w[3], window.StrideH, window.StrideW, window.Padding,
            window.Dilation(node), groups, bias: node.Input(2) != "");
        LoadWeightAndBias(node, graph, layer.Weight, layer.Bias);
        return layer;
    }

    // W [C, M/group, k, k], B [M]; square kernel, one stride, the same padding on every side.
    private static ConvTranspose2dLayer ConvTranspose(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var w = graph.Dims(node, node.Input(1), "W");
        if (w.Length != 4) throw node.Unsupported("W", $"a {w.Length - 2}-D transposed convolution; only 2-D is supported");
        if (node.Has("output_shape")) throw node.Unsupported("output_shape", "give pads and output_padding instead");
        int groups = (int)node.Int("group", 1);
        var window = OnnxWindow.Read(node, w[2], w[3]);
        if (window.Same) throw node.Unsupported("auto_pad", "SAME_UPPER for a transposed convolution");
        var (kernel, stride) = window.Square(node);
        var p = window.Pads;
        if (p.Top != p.Left || p.Top != p.Bottom || p.Top != p.Right) throw node.Unsupported("pads", $"{p}; only the same padding on every side is supported");
        var outputPadding = node.Ints("output_padding") ?? [0, 0];
        if (outputPadding.Length != 2 || outputPadding[0] != outputPadding[1])
            throw node.Unsupported("output_padding", $"[{string.Join(", ", outputPadding)}]; only one value for both axes is supported");
        var layer = new ConvTranspose2dLayer(node.Name, w[0], w[1] * groups, kernel, stride, p.Top, (int)outputPadding[0],
            window.Dilation(node), groups, bias: node.Input(2) != "");
        LoadWeightAndBias(node, graph, layer.Weight, layer.Bias);
        return layer;
    }

    // X [N, C, H, W], scale, B, mean, var [C]; ONNX's momentum weighs the running value (PyTorch's weighs the batch).
    private static BatchNorm2dLayer BatchNorm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.Int("training_mode", 0) != 0) throw node.Unsupported("training_mode", "1; the inference form is imported (training uses batch statistics anyway)");
        if (node.HasExtraOutputs) throw node.Unsupported("outputs", "running mean and variance outputs are not supported");
        int channels = graph.Floats(node, node.Input(3), "input_mean").Length;
        var layer = new BatchNorm2dLayer(node.Name, channels, 1f - node.Float("momentum", 0.9f), node.Float("epsilon", 1e-5f));
        graph.Load(node, layer.Gamma, node.Input(1));
        graph.Load(node, layer.Beta, node.Input(2));
        graph.Load(node, layer.RunningMean, node.Input(3), "input_mean");
        graph.Load(node, layer.RunningVariance, node.Input(4), "input_var");
        return layer;
    }

    // y = alpha·A·B′ + beta·C, B′ = B [M, K] with transB, else Bᵀ of B [K, M]; C [M] or [1, M]. alpha and beta are folded
    // into the weight and the bias.
    private static DenseLayer Gemm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.Int("transA", 0) != 0) throw node.Unsupported("transA", "1; only A [N, K] is supported");
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        var b = graph.Dims(node, node.Input(1), "B");
        if (b.Length != 2) throw node.Unsupported("B", $"a weight of rank {b.Length}; Gemm takes a matrix");
        bool transB = node.Int("transB", 0) != 0;
        var weight = graph.Floats(node, node.Input(1), "B");
        if (!transB) weight = Transpose(weight, b[0], b[1]);
        int outFeatures = transB ? b[0] : b[1], inFeatures = transB ? b[1] : b[0];
        var layer = new DenseLayer(node.Name, inFeatures, outFeatures, bias: node.Input(2) != "");
        if (alpha == 0f) throw node.Unsupported("alpha", "0 (the product would not be trainable)");
        graph.Load(node, layer.Weight, node.Input(1), weight.Select(v => v * alpha).ToArray(),
            trained => transB ? trained.Select(v => v / alpha).ToArray() : Transpose(trained.Select(v => v / alpha).ToArray(), b[1], b[0]));
        if (layer.Bias is not null)
        {
            if (beta == 0f) throw node.Unsupported("beta", "0 (the bias would not be trainable)");
            var bias = graph.Floats(node, node.Input(2), "C");
            if (bias.Length != outFeatures) throw node.Unsupported("C", $"{bias.Length} values; only a bias of [{outFeatures}] or [1, {outFeatures}] is supported");
            graph.Load(node, layer.Bias, node.Input(2), bias.Select(v => v * beta).ToArray(), trained => trained.Select(v => v / beta).ToArray());
        }
        return layer;
    }

    // A [N, K] · B [K, M] with a constant B: a dense layer with weight Bᵀ and no bias.
    private static DenseLayer MatMul(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var b = graph.Dims(node, node.Input(1), "B");
        if (b.Length != 2) throw node.Unsupported("B", $"a weight of rank {b.Length}; only a constant matrix is supported");
        var layer = new DenseLayer(node.Name, b[0], b[1], bias: false);
        graph.Load(node, layer.Weight, node.Input(1), Transpose(graph.Floats(node, node.Input(1), "B"), b[0], b[1]),
            trained => Transpose(trained, b[1], b[0]));
        return layer;
    }

    private static ActivationLayer Clip(OnnxNodeReader node, OnnxGraphImport graph)
    {
        // Opset 11 moved min and max from attributes to optional inputs.
        float min = graph.Opset >= 11 ? Bound(node, graph, 1, float.NegativeInfinity) : node.Float("min", float.NegativeInfinity);
        float max = graph.Opset >= 11 ? Bound(node, graph, 2, float.PositiveInfinity) : node.Float("max", float.PositiveInfinity);
        return (min, max) switch
        {
            (0f, 6f) => new ActivationLayer(node.Name, new ReLU6()),
            (0f, float.PositiveInfinity) => new ActivationLayer(node.Name, new ReLU()),
            _ => new ActivationLayer(node.Name, new Clip(min, max)),
        };
    }

    private static float Bound(OnnxNodeReader node, OnnxGraphImport graph, int input, float fallback) =>
        node.Input(input) == "" ? fallback : graph.Floats(node, node.Input(input), input == 1 ? "min" : "max")[0];

    // slope [C], [C, 1, 1] or [1]
    private static PReLULayer PRelu(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var slope = graph.Floats(node, node.Input(1), "slope");
        var layer = new PReLULayer(node.Name, slope.Length);
        graph.Load(node, layer.Slope, node.Input(1), slope);
        return layer;
    }

    private static MaxPool2dLayer MaxPool(OnnxNodeReader node)
    {
        if (node.HasExtraOutputs) throw node.Unsupported("outputs", "the Indices output is not supported");
        if (node.Int("storage_order", 0) != 0) throw node.Unsupported("storage_order", "1 (column-major indices)");
        var window = OnnxWindow.Read(node);
        return new MaxPool2dLayer(node.Name, window.Kernel, window.Stride, window.Padding, window.Dilation(node), node.Int("ceil_mode", 0) != 0);
    }

    private static AvgPool2dLayer AveragePool(OnnxNodeReader node)
    {
        var window = OnnxWindow.Read(node);
        if (window.Dilation(node) != 1) throw node.Unsupported("dilations", "average pooling has no dilation here");
        return new AvgPool2dLayer(node.Name, window.Kernel, window.Stride, window.Padding, node.Int("ceil_mode", 0) != 0,
            countIncludePad: node.Int("count_include_pad", 0) != 0);
    }

    // pads [0, 0, top, left, 0, 0, bottom, right] (an input since opset 11, an attribute before)
    private static PadLayer Pad(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var pads = graph.Opset >= 11 ? graph.Integers(node, node.Input(1), "pads") : node.Ints("pads") ?? [];
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(p => p < 0))
            throw node.Unsupported("pads", $"[{string.Join(", ", pads)}]; only non-negative padding of H and W of [N, C, H, W] is supported");
        if (node.Input(3) != "") throw node.Unsupported("axes", "the axes input is not supported");
        float value = graph.Opset >= 11
            ? (node.Input(2) == "" ? 0f : graph.Floats(node, node.Input(2), "constant_value")[0])
            : node.Float("value", 0f);
        string mode = node.String("mode", "constant");
        var padMode = mode switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Replicate,
            _ => throw node.Unsupported("mode", $"{mode}; constant, reflect and edge are supported"),
        };
        return new PadLayer(node.Name, new Padding2d((int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]), padMode, value);
    }

    // Resize of H and W as PyTorch exports nn.Upsample / F.interpolate: nearest (asymmetric coordinates, floor) or bilinear
    // (half-pixel or align_corners coordinates), by one whole factor (scales [1, 1, s, s]) or to a constant size [·, ·, H, W].
    private static UpsampleLayer Resize(OnnxNodeReader node, OnnxGraphImport graph)
    {
        string mode = node.String("mode", "nearest");
        string transform = node.OpType == "Upsample" ? "asymmetric" : node.String("coordinate_transformation_mode", "half_pixel");
        var (upsample, alignCorners) = (mode, transform) switch
        {
            ("nearest", "asymmetric") when node.OpType == "Upsample" || node.String("nearest_mode", "round_prefer_floor") == "floor" =>
                (UpsampleMode.Nearest, false),
            ("linear", "half_pixel" or "pytorch_half_pixel") => (UpsampleMode.Bilinear, false),
            ("linear", "align_corners") => (UpsampleMode.Bilinear, true),
            _ => throw node.Unsupported("mode", $"{mode} with coordinate_transformation_mode {transform} (nearest_mode " +
                $"{node.String("nearest_mode", "round_prefer_floor")}); nearest with asymmetric and floor, and linear with half_pixel, " +
                "pytorch_half_pixel or align_corners are supported"),
        };
        // Meaningless for these modes whatever their value (cubic interpolation and tf_crop_and_resize only): marked as read.
        node.Float("cubic_coeff_a", -0.75f);
        node.Int("exclude_outside", 0);
        node.Float("extrapolation_value", 0f);

        if (node.OpType == "Resize" && node.Input(3) != "")
        {
            var sizes = graph.Integers(node, node.Input(3), "sizes");
            if (sizes.Length != 4) throw node.Unsupported("sizes", $"{sizes.Length} values; only [N, C, H, W] is supported");
            return new UpsampleLayer(node.Name, (int)sizes[2], (int)sizes[3], upsample, alignCorners);
        }
        string scales = node.OpType == "Upsample" || graph.Opset < 11 ? node.Input(1) : node.Input(2);
        var s = graph.Floats(node, scales, "scales");
        if (s.Length != 4 || s[0] != 1f || s[1] != 1f || s[2] != s[3] || s[2] != MathF.Round(s[2]) || s[2] < 1f)
            throw node.Unsupported("scales", $"[{string.Join(", ", s)}]; only [1, 1, s, s] with a whole s ≥ 1 is supported");
        return new UpsampleLayer(node.Name, (int)s[2], upsample, alignCorners);
    }

    // Identity at inference; in training the core's dropout, as PyTorch's model in train mode (seeded by the node's
    // position unless the node gives a seed, so that two dropouts do not draw the same masks).
    private static DropoutLayer Dropout(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.HasExtraOutputs) throw node.Unsupported("outputs", "the mask output is not supported");
        float ratio = graph.Opset >= 12
            ? (node.Input(1) == "" ? 0.5f : graph.Floats(node, node.Input(1), "ratio")[0])
            : node.Float("ratio", 0.5f);
        return new DropoutLayer(node.Name, ratio, seed: (int)node.Int("seed", node.Index));
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
