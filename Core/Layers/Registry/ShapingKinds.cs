using System.Text.Json.Nodes;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>
/// The layers that move values without weights: flatten, dropout (nothing at inference), channel shuffle and slice,
/// padding and resizing.
/// </summary>
internal static class ShapingKinds
{
    public static readonly LayerKind[] All =
    [
        LayerKind.Of<FlattenLayer>("Flatten", _ => [], (name, _, _) => new FlattenLayer(name),
            (onnx, f, x, _, _) => onnx.Node("Flatten", f.Name, [x], Int("axis", 1))),
        LayerKind.Of<DropoutLayer>("Dropout", l => new JsonObject { ["p"] = l.P, ["seed"] = l.Seed },
            (name, c, _) => new DropoutLayer(name, Float(c, "p"), Int(c, "seed")),
            (_, _, x, _, _) => x, // the graph is the network at inference
            ["Dropout"], ImportDropout),
        LayerKind.Of<ChannelShuffleLayer>("ChannelShuffle", l => new JsonObject { ["groups"] = l.Groups },
            (name, c, _) => new ChannelShuffleLayer(name, Int(c, "groups")),
            (onnx, shuffle, x, shape, _) => ExportShuffle(onnx, shuffle, x, shape)),
        LayerKind.Of<ChannelSlice>("ChannelSlice", l => new JsonObject { ["start"] = l.Start, ["count"] = l.Count },
            (name, c, _) => new ChannelSlice(name, Int(c, "start"), Int(c, "count")),
            (onnx, slice, x, _, _) => onnx.Node("Slice", slice.Name,
                [x, onnx.Int64s($"{slice.Name}.starts", slice.Start), onnx.Int64s($"{slice.Name}.ends", slice.Start + slice.Count),
                 onnx.Int64s($"{slice.Name}.axes", 1)])), // imported as any Slice: OnnxSlices
        LayerKind.Of<PadLayer>("Pad", l => new JsonObject
            {
                ["padding"] = Array(l.Padding.Top, l.Padding.Left, l.Padding.Bottom, l.Padding.Right), ["mode"] = l.Mode.ToString(), ["value"] = l.Value,
            }, (name, c, _) => new PadLayer(name, Padding(c["padding"]).Resolve(1, 1, 1, 1, 1, 1, 1), Enum.Parse<PadMode>(Text(c, "mode")), Float(c, "value")),
            (onnx, pad, x, _, _) => ExportPad(onnx, pad, x),
            ["Pad"], ImportPad),
        LayerKind.Of<UpsampleLayer>("Upsample", l => new JsonObject
            {
                ["scale"] = l.Scale, ["outputHeight"] = l.OutputHeight, ["outputWidth"] = l.OutputWidth, ["mode"] = l.Mode.ToString(),
                ["alignCorners"] = l.AlignCorners,
            }, (name, c, _) => c["scale"] is not null
                ? new UpsampleLayer(name, Int(c, "scale"), Enum.Parse<UpsampleMode>(Text(c, "mode")), Bool(c, "alignCorners"))
                : new UpsampleLayer(name, Int(c, "outputHeight"), Int(c, "outputWidth"), Enum.Parse<UpsampleMode>(Text(c, "mode")), Bool(c, "alignCorners")),
            (onnx, up, x, shape, output) => up is { Mode: UpsampleMode.Nearest, Scale: null } ? NearestToSize(onnx, up, x, shape, output) : Resize(onnx, up, x, output),
            ["Resize", "Upsample"], importStep: ImportResize),
    ];

    // Identity at inference; in training the core's dropout, as PyTorch's model in train mode (seeded by the node's
    // position unless the node gives a seed, so that two dropouts do not draw the same masks). OnnxGraphImport adds the
    // step of the optional mask output (DropoutMaskStep).
    private static DropoutLayer ImportDropout(OnnxNodeReader node, OnnxGraphImport graph)
    {
        float ratio = graph.Opset >= 12
            ? (node.Input(1) == "" ? 0.5f : graph.Floats(node, node.Input(1), "ratio")[0])
            : node.Float("ratio", 0.5f);
        return new DropoutLayer(node.Name, ratio, seed: (int)node.Int("seed", node.Index));
    }

    private static string ExportShuffle(OnnxGraphBuilder onnx, ChannelShuffleLayer shuffle, string x, TensorShape shape)
    {
        // [N, C, …] → [N, g, C/g, …] → swap axes 1, 2 → [N, C, …]; 0 in a Reshape target copies the (dynamic) batch.
        var rest = shape.Dimensions[2..].ToArray().Select(d => (long)d).ToArray();
        long[] split = [0, shuffle.Groups, shape[1] / shuffle.Groups, .. rest];
        long[] merged = [0, shape[1], .. rest];
        var perm = Enumerable.Range(0, split.Length).Select(i => (long)(i == 1 ? 2 : i == 2 ? 1 : i)).ToArray();
        string a = onnx.Node("Reshape", $"{shuffle.Name}.split", [x, onnx.Int64s($"{shuffle.Name}.split_shape", split)]);
        string b = onnx.Node("Transpose", $"{shuffle.Name}.transpose", [a], Ints("perm", perm));
        return onnx.Node("Reshape", shuffle.Name, [b, onnx.Int64s($"{shuffle.Name}.shape", merged)]);
    }

    private static string ExportPad(OnnxGraphBuilder onnx, PadLayer pad, string x)
    {
        var p = pad.Padding;
        string mode = pad.Mode switch
        {
            PadMode.Constant => "constant",
            PadMode.Reflect => "reflect",
            PadMode.Replicate => "edge",
            var other => throw new NotSupportedException($"Layer '{pad.Name}' of type {nameof(PadLayer)} uses pad mode {other}, which has no ONNX mapping."),
        };
        var pads = onnx.Int64s($"{pad.Name}.pads", 0, 0, p.Top, p.Left, 0, 0, p.Bottom, p.Right);
        string[] inputs = pad.Mode == PadMode.Constant ? [x, pads, onnx.Scalar($"{pad.Name}.value", pad.Value)] : [x, pads];
        return onnx.Node("Pad", pad.Name, inputs, String("mode", mode));
    }

    // pads [0, 0, top, left, 0, 0, bottom, right] (an input since opset 11, an attribute before)
    private static PadLayer ImportPad(OnnxNodeReader node, OnnxGraphImport graph)
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

    private static string Resize(OnnxGraphBuilder onnx, UpsampleLayer up, string x, TensorShape output)
    {
        var attributes = up.Mode == UpsampleMode.Nearest
            // PyTorch's nearest: source index ⌊i·in/out⌋, exact in float32 for a whole scale (see NearestToSize).
            ? new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") }
            // half_pixel, not pytorch_half_pixel: that one reads index 0 for an output side of 1, where PyTorch and the
            // core still take (0 + ½)·in/out − ½ (ONNX Runtime clamps to [0, in − 1] as the core does).
            : [String("mode", "linear"), String("coordinate_transformation_mode", up.AlignCorners ? "align_corners" : "half_pixel")];
        if (up.Scale is int s)
            return onnx.Node("Resize", up.Name, [x, "", onnx.Floats($"{up.Name}.scales", 1f, 1f, s, s)], attributes);
        // Bilinear to a fixed size: sizes = shape(x)[0:2] ++ [Hout, Wout], so the batch stays dynamic.
        string shapeOf = onnx.Node("Shape", $"{up.Name}.shape", [x]);
        string nc = onnx.Node("Slice", $"{up.Name}.nc", [shapeOf, onnx.Int64s($"{up.Name}.nc_starts", 0), onnx.Int64s($"{up.Name}.nc_ends", 2)]);
        string sizes = onnx.Node("Concat", $"{up.Name}.sizes", [nc, onnx.Int64s($"{up.Name}.hw", output[2], output[3])], Int("axis", 0));
        return onnx.Node("Resize", up.Name, [x, "", "", sizes], attributes);
    }

    /// <summary>
    /// Nearest to a fixed size as two Gathers of the source rows and columns the core reads: a Resize would compute them
    /// as i / (out/in) in float32, which falls one index short where i·in/out is whole (14 → 2 rows reads row 6, not 7, in
    /// ONNX Runtime), while the core takes the floor exactly.
    /// </summary>
    private static string NearestToSize(OnnxGraphBuilder onnx, UpsampleLayer up, string x, TensorShape input, TensorShape output)
    {
        static long[] Sources(int inSize, int outSize) =>
            Enumerable.Range(0, outSize).Select(i => (long)UpsampleNearest.Source(i, inSize, outSize)).ToArray();
        string rows = onnx.Node("Gather", $"{up.Name}.rows", [x, onnx.Int64s($"{up.Name}.source_rows", Sources(input[2], output[2]))], Int("axis", 2));
        return onnx.Node("Gather", up.Name, [rows, onnx.Int64s($"{up.Name}.source_columns", Sources(input[3], output[3]))], Int("axis", 3));
    }

    // Resize of H and W as PyTorch exports nn.Upsample / F.interpolate: nearest (asymmetric coordinates, floor) or bilinear
    // (half-pixel or align_corners coordinates), by one whole factor (scales [1, 1, s, s]) or to a size [·, ·, H, W], constant
    // or computed by the graph (from the input's shape: the batch stays dynamic).
    private static OnnxStep ImportResize(OnnxNodeReader node, OnnxGraphImport graph)
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
            UpsampleLayer ToSize(long[] sizes) => sizes.Length == 4
                ? new UpsampleLayer(node.Name, (int)sizes[2], (int)sizes[3], upsample, alignCorners)
                : throw node.Unsupported("sizes", $"{sizes.Length} values; only [N, C, H, W] is supported");
            string sizes = node.Input(3);
            return graph.IsConstant(sizes) ? Applied(ToSize(graph.Integers(node, sizes, "sizes")))
                : new SizedLayerStep(node.Name, node.Input(0), sizes, node.Output, ToSize);
        }
        string scales = node.OpType == "Upsample" || graph.Opset < 11 ? node.Input(1) : node.Input(2);
        var s = graph.Floats(node, scales, "scales");
        if (s.Length != 4 || s[0] != 1f || s[1] != 1f || s[2] != s[3] || s[2] != MathF.Round(s[2]) || s[2] < 1f)
            throw node.Unsupported("scales", $"[{string.Join(", ", s)}]; only [1, 1, s, s] with a whole s ≥ 1 is supported");
        return Applied(new UpsampleLayer(node.Name, (int)s[2], upsample, alignCorners));

        LayerStep Applied(UpsampleLayer layer) => new(node.Name, node.Input(0), node.Output, layer);
    }
}
