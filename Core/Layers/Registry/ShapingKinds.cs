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
            (onnx, up, x, shape, output) => up is { Mode: UpsampleMode.Nearest, Scale: null } ? NearestToSize(onnx, up, x, shape, output) : Resize(onnx, up, x, output)),
        // imported as ResizeLayers, which compute the same values
        LayerKind.Of<ResizeLayer>("Resize", l => new JsonObject
            {
                ["scales"] = l.Scales is { } s ? new JsonArray(s.Select(v => (JsonNode)v).ToArray()) : null,
                ["sizes"] = l.Sizes is { } d ? Array([.. d]) : null,
                ["mode"] = l.Sampling.Mode.ToString(), ["coordinates"] = l.Sampling.Coordinates.ToString(),
                ["rounding"] = l.Sampling.Rounding.ToString(), ["cubicA"] = l.Sampling.CubicA, ["excludeOutside"] = l.Sampling.ExcludeOutside,
                ["roi"] = l.Sampling.Crop is { } crop ? new JsonArray(crop.Roi.Select(r => (JsonNode)new JsonArray(r.Start, r.End)).ToArray()) : null,
                ["extrapolation"] = l.Sampling.Crop?.ExtrapolationValue,
            }, (name, c, _) => ReadResize(name, c),
            (onnx, resize, x, _, _) => ResizeOnnx.Export(onnx, resize, x),
            ["Resize", "Upsample"], importStep: ResizeOnnx.Import),
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

    private static ResizeLayer ReadResize(string name, JsonObject c)
    {
        var crop = c["roi"] is JsonArray roi
            ? new ResizeCrop(roi.Select(r => (r![0]!.GetValue<double>(), r[1]!.GetValue<double>())).ToArray(), Float(c, "extrapolation"))
            : null;
        var sampling = new ResizeSampling(Enum.Parse<ResizeMode>(Text(c, "mode")), Enum.Parse<ResizeCoordinates>(Text(c, "coordinates")),
            Enum.Parse<NearestRounding>(Text(c, "rounding")), Float(c, "cubicA"), Bool(c, "excludeOutside"), crop);
        return c["scales"] is JsonArray scales
            ? new ResizeLayer(name, scales.Select(v => v!.GetValue<float>()).ToArray(), sampling)
            : new ResizeLayer(name, Ints(c, "sizes"), sampling);
    }

    private static string Resize(OnnxGraphBuilder onnx, UpsampleLayer up, string x, TensorShape output)
    {
        var attributes = up.Mode == UpsampleMode.Nearest
            // PyTorch's nearest: source index ⌊i·in/out⌋, exact in float32 for a whole scale (see NearestToSize).
            ? new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") }
            // half_pixel, not pytorch_half_pixel: that one reads index 0 for an output side of 1, where PyTorch and the
            // core still take (0 + ½)·in/out − ½ (ONNX Runtime clamps to [0, in − 1] as the core does).
            : [String("mode", "linear"), String("coordinate_transformation_mode", up.AlignCorners ? "align_corners" : "half_pixel")];
        // by a whole factor, or bilinear to a fixed size
        return ResizeOnnx.Node(onnx, up.Name, x, up.Scale is int s ? [s, s] : null, [output[2], output[3]], attributes);
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
}
