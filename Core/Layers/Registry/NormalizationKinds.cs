using System.Text.Json.Nodes;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Batch normalization (ONNX BatchNormalization, with the running statistics), local response normalization (LRN), and the
/// normalizations by each sample's own statistics: group (ONNX InstanceNormalization and GroupNormalization) and layer
/// normalization (LayerNormalization).
/// </summary>
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
        LayerKind.Of<GroupNormLayer>("GroupNorm", l => new JsonObject { ["groups"] = l.Groups, ["channels"] = l.Channels, ["epsilon"] = l.Epsilon },
            (name, c, _) => c["channels"] is null ? GroupNormLayer.PerGroup(name, Int(c, "groups"), Float(c, "epsilon"))
                : new GroupNormLayer(name, Int(c, "groups"), Int(c, "channels"), Float(c, "epsilon")),
            (onnx, gn, x, shape, _) => ExportGroupNorm(onnx, gn, x, shape),
            ["InstanceNormalization", "GroupNormalization"], ImportGroupNorm),
        LayerKind.Of<LayerNormLayer>("LayerNorm", l => new JsonObject
            {
                ["normalizedShape"] = Array([.. l.NormalizedShape]), ["epsilon"] = l.Epsilon, ["bias"] = l.Beta is not null, ["inputRank"] = l.InputRank,
            }, (name, c, _) => new LayerNormLayer(name, Ints(c, "normalizedShape"), Float(c, "epsilon"), Bool(c, "bias"))
                { InputRank = c["inputRank"]?.GetValue<int>() },
            (onnx, ln, x, _, _) => ExportLayerNorm(onnx, ln, x),
            ["LayerNormalization"], ImportLayerNorm),
    ];

    // InstanceNormalization: scale, B [C]. GroupNormalization (num_groups G): scale, bias [G] at opsets 18 to 20, [C] from 21 on.
    private static GroupNormLayer ImportGroupNorm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        float epsilon = node.Float("epsilon", 1e-5f);
        int parameters = graph.Floats(node, node.Input(1), "scale").Length;
        GroupNormLayer layer;
        if (node.OpType == "InstanceNormalization") layer = new GroupNormLayer(node.Name, parameters, parameters, epsilon);
        else
        {
            int groups = (int)node.Int("num_groups", 0);
            node.Int("stash_type", 1); // the precision of the statistics: the core sums them in double whatever it asks
            layer = graph.Opset >= 21 ? new GroupNormLayer(node.Name, groups, parameters, epsilon) : GroupNormLayer.PerGroup(node.Name, groups, epsilon);
        }
        graph.Load(node, layer.Gamma, node.Input(1));
        graph.Load(node, layer.Beta!, node.Input(2));
        return layer;
    }

    // X [d0, …, dr−1], Scale (and B) of the normalized shape [d_axis, …]: a positive axis fixes the input's rank. The Mean and
    // InvStdDev outputs are steps of their own (RowStatisticStep).
    private static LayerNormLayer ImportLayerNorm(OnnxNodeReader node, OnnxGraphImport graph)
    {
        long axis = node.Int("axis", -1);
        node.Int("stash_type", 1); // the precision of the statistics: the core sums them in double whatever it asks
        var dims = graph.Dims(node, node.Input(1), "Scale");
        if (axis < 0 && -axis != dims.Length)
            throw node.Unsupported("axis", $"{axis} with Scale of shape [{string.Join(", ", dims)}]; Scale must have the normalized shape (no broadcasting)");
        bool bias = node.Input(2) != "";
        if (bias && !graph.Dims(node, node.Input(2), "B").SequenceEqual(dims))
            throw node.Unsupported("B", $"shape [{string.Join(", ", graph.Dims(node, node.Input(2), "B"))}]; B must have Scale's shape [{string.Join(", ", dims)}]");
        var layer = new LayerNormLayer(node.Name, dims, node.Float("epsilon", 1e-5f), bias) { InputRank = axis >= 0 ? (int)axis + dims.Length : null };
        graph.Load(node, layer.Gamma, node.Input(1));
        if (bias) graph.Load(node, layer.Beta!, node.Input(2));
        return layer;
    }

    // [N, C, …] → [N, G, C/G·…] → InstanceNormalization of G rows → γ, β per group, or back to [N, C, …] and γ, β per channel
    // (as PyTorch exports nn.GroupNorm; ONNX GroupNormalization is opset 18 and changed its meaning at 21).
    private static string ExportGroupNorm(OnnxGraphBuilder onnx, GroupNormLayer gn, string x, TensorShape input)
    {
        string name = gn.Name;
        string rows = onnx.Node("Reshape", $"{name}.rows", [x, onnx.Int64s($"{name}.rows_shape", 0, gn.Groups, -1)]);
        string normalized = NormalizedRows(onnx, name, rows, gn.Groups, gn.Epsilon);
        if (gn.Channels is null) normalized = Affine(onnx, $"{name}.group", normalized, gn, [gn.Groups, 1]);
        string back = onnx.Node("Reshape", $"{name}.back", [normalized, onnx.Node("Shape", $"{name}.shape", [x])]);
        if (gn.Channels is null) return back;
        return Affine(onnx, name, back, gn, [gn.Channels.Value, .. Enumerable.Repeat(1L, input.Rank - 2)]);
    }

    // LayerNormalization from opset 17; before, the rows [−1, 1, M] go through InstanceNormalization and back.
    private static string ExportLayerNorm(OnnxGraphBuilder onnx, LayerNormLayer ln, string x)
    {
        string name = ln.Name;
        if (onnx.Opset >= 17)
        {
            string[] inputs = ln.Beta is null ? [x, onnx.Weight(ln.Gamma)] : [x, onnx.Weight(ln.Gamma), onnx.Weight(ln.Beta)];
            return onnx.Node("LayerNormalization", name, inputs, Int("axis", -ln.NormalizedShape.Count), Float("epsilon", ln.Epsilon));
        }
        string rows = onnx.Node("Reshape", $"{name}.rows", [x, onnx.Int64s($"{name}.rows_shape", -1, 1, ln.Gamma.Value.Length)]);
        string normalized = NormalizedRows(onnx, name, rows, 1, ln.Epsilon);
        string back = onnx.Node("Reshape", $"{name}.back", [normalized, onnx.Node("Shape", $"{name}.shape", [x])]);
        return Affine(onnx, name, back, ln, [.. ln.NormalizedShape.Select(d => (long)d)]);
    }

    /// <summary>InstanceNormalization of [N, C, M] with scale 1 and shift 0: each row normalized.</summary>
    private static string NormalizedRows(OnnxGraphBuilder onnx, string name, string rows, int channels, float epsilon) =>
        onnx.Node("InstanceNormalization", $"{name}.normalize",
            [rows, onnx.Initializer($"{name}.ones", Enumerable.Repeat(1f, channels).ToArray(), channels), onnx.Initializer($"{name}.zeros", new float[channels], channels)],
            Float("epsilon", epsilon));

    /// <summary>x·γ + β, γ and β (β may be absent) as initializers of shape <paramref name="dims"/>, broadcast against x.</summary>
    private static string Affine(OnnxGraphBuilder onnx, string name, string x, RowNormLayer layer, long[] dims)
    {
        string scaled = onnx.Node("Mul", layer.Beta is null ? name : $"{name}.scaled", [x, onnx.Initializer(layer.Gamma.Name, layer.Gamma.Value.Span, dims)]);
        return layer.Beta is null ? scaled : onnx.Node("Add", name, [scaled, onnx.Initializer(layer.Beta.Name, layer.Beta.Value.Span, dims)]);
    }

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
