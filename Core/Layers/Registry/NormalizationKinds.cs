using System.Text.Json.Nodes;
using MLNet.Cnn.Onnx;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>Batch normalization (ONNX BatchNormalization, with the running statistics) and local response normalization (LRN).</summary>
internal static class NormalizationKinds
{
    public static readonly LayerKind[] All =
    [
        LayerKind.Of<BatchNorm2dLayer>("BatchNorm2d",
            l => new JsonObject { ["channels"] = l.Channels, ["momentum"] = l.Momentum, ["epsilon"] = l.Epsilon },
            (name, c, _) => new BatchNorm2dLayer(name, Int(c, "channels"), Float(c, "momentum"), Float(c, "epsilon")),
            (onnx, bn, x, _, _) => onnx.Node("BatchNormalization", bn.Name,
                [x, onnx.Weight(bn.Gamma), onnx.Weight(bn.Beta), onnx.Initializer($"{bn.Name}.running_mean", bn.RunningMean.Span, bn.Channels),
                 onnx.Initializer($"{bn.Name}.running_var", bn.RunningVariance.Span, bn.Channels)], Float("epsilon", bn.Epsilon)),
            ["BatchNormalization"], ImportBatchNorm),
        LayerKind.Of<LrnLayer>("Lrn", l => new JsonObject { ["size"] = l.Size, ["alpha"] = l.Alpha, ["beta"] = l.Beta, ["k"] = l.K },
            (name, c, _) => new LrnLayer(name, Int(c, "size"), Float(c, "alpha"), Float(c, "beta"), Float(c, "k")),
            (onnx, lrn, x, _, _) => ExportLrn(onnx, lrn, x),
            ["LRN"], (node, _) =>
                new LrnLayer(node.Name, (int)node.Int("size", 0), node.Float("alpha", 1e-4f), node.Float("beta", 0.75f), node.Float("bias", 1f))),
    ];

    // X [N, C, H, W], scale, B, mean, var [C]; ONNX's momentum weighs the running value (PyTorch's weighs the batch).
    private static BatchNorm2dLayer ImportBatchNorm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.Int("training_mode", 0) != 0) throw node.Unsupported("training_mode", "1; the inference form is imported (training uses batch statistics anyway)");
        if (node.HasExtraOutputs) throw node.Unsupported("outputs", "running mean and variance outputs are not supported");
        // Opsets before 9: spatial = 1 (the default) is the per-channel form of later opsets; 0 kept statistics per activation.
        if (node.Int("spatial", 1) != 1) throw node.Unsupported("spatial", "0 (statistics per activation, opsets ≤ 8) is not supported; 1 (per channel) is");
        // Opsets before 7: is_test chose inference (what is imported), consumed_inputs named in-place updates; neither changes y.
        node.Int("is_test", 0);
        node.Ints("consumed_inputs");
        int channels = graph.Floats(node, node.Input(3), "input_mean").Length;
        var layer = new BatchNorm2dLayer(node.Name, channels, 1f - node.Float("momentum", 0.9f), node.Float("epsilon", 1e-5f));
        graph.Load(node, layer.Gamma, node.Input(1));
        graph.Load(node, layer.Beta, node.Input(2));
        graph.Load(node, layer.RunningMean, node.Input(3), "input_mean");
        graph.Load(node, layer.RunningVariance, node.Input(4), "input_var");
        return layer;
    }

    private static string ExportLrn(OnnxGraphBuilder onnx, LrnLayer lrn, string x)
    {
        string name = lrn.Name;
        if (lrn.Size % 2 == 1)
            return onnx.Node("LRN", name, [x], Int("size", lrn.Size), Float("alpha", lrn.Alpha), Float("beta", lrn.Beta), Float("bias", lrn.K));
        // ONNX Runtime's LRN takes odd sizes only (ONNX itself allows any), so an even size is written out: the window
        // [c − ⌊(size − 1)/2⌋, c + ⌈(size − 1)/2⌉] of x², zero past the edges, is averaged by a size×1×1 AveragePool over
        // [N, 1, C, H, W]; then y = x / (k + α·mean)^β, α·mean being α/size·Σ.
        string axis = onnx.Int64s($"{name}.axis", 1);
        string squares = onnx.Node("Unsqueeze", $"{name}.squares", [onnx.Node("Mul", $"{name}.square", [x, x]), axis]);
        string mean = onnx.Node("AveragePool", $"{name}.window", [squares], Ints("kernel_shape", lrn.Size, 1, 1),
            Ints("pads", (lrn.Size - 1) / 2, 0, 0, lrn.Size / 2, 0, 0), Int("count_include_pad", 1));
        string scaled = onnx.Node("Mul", $"{name}.scaled", [onnx.Node("Squeeze", $"{name}.mean", [mean, axis]), onnx.Scalar($"{name}.alpha", lrn.Alpha)]);
        string power = onnx.Node("Pow", $"{name}.power",
            [onnx.Node("Add", $"{name}.base", [scaled, onnx.Scalar($"{name}.k", lrn.K)]), onnx.Scalar($"{name}.beta", lrn.Beta)]);
        return onnx.Node("Div", name, [x, power]);
    }
}
