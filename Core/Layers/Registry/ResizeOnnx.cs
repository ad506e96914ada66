using MLNet.Cnn.Kernels;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>
/// ONNX Resize (opsets 10 to 18) and Upsample (opsets 7 and 9) as <see cref="ResizeLayer"/>s, and the Resize nodes that
/// <see cref="ResizeLayer"/> and <see cref="UpsampleLayer"/> are exported as. The attributes' names are ONNX's.
/// </summary>
internal static class ResizeOnnx
{
    private static readonly (ResizeMode Mode, string Name)[] Modes = [(ResizeMode.Nearest, "nearest"), (ResizeMode.Linear, "linear"), (ResizeMode.Cubic, "cubic")];

    private static readonly (ResizeCoordinates Coordinates, string Name)[] Transforms =
    [
        (ResizeCoordinates.HalfPixel, "half_pixel"), (ResizeCoordinates.PytorchHalfPixel, "pytorch_half_pixel"),
        (ResizeCoordinates.AlignCorners, "align_corners"), (ResizeCoordinates.Asymmetric, "asymmetric"),
        (ResizeCoordinates.TfCropAndResize, "tf_crop_and_resize"),
    ];

    private static readonly (NearestRounding Rounding, string Name)[] Roundings =
    [
        (NearestRounding.RoundPreferFloor, "round_prefer_floor"), (NearestRounding.RoundPreferCeil, "round_prefer_ceil"),
        (NearestRounding.Floor, "floor"), (NearestRounding.Ceil, "ceil"),
    ];

    /// <summary>
    /// The step of a Resize or Upsample node: a <see cref="ResizeLayer"/> by constant scales or to constant sizes, or built
    /// from sizes the graph computes (PyTorch's F.interpolate(size=…) takes N and C from the input's shape). The scales of N
    /// and C must be 1; the N and C of sizes are taken to be the input's (the batch stays dynamic).
    /// </summary>
    public static OnnxStep Import(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var sampling = Sampling(node, graph);
        if (node.OpType == "Resize" && graph.Opset >= 11 && node.Input(3) != "")
        {
            ResizeLayer ToSizes(long[] sizes) => sizes.Length >= 3
                ? new ResizeLayer(node.Name, sizes[2..].Select(s => (int)s).ToArray(), sampling)
                : throw node.Unsupported("sizes", $"{sizes.Length} values; [N, C, d1, …] is supported");
            string sizes = node.Input(3);
            return graph.IsConstant(sizes) ? Applied(ToSizes(graph.Integers(node, sizes, "sizes")))
                : new SizedLayerStep(node.Name, node.Input(0), sizes, node.Output, ToSizes);
        }
        var scales = node.OpType == "Upsample" && graph.Opset < 9 ? node.Floats("scales") ?? throw node.Unsupported("scales", "it is missing")
            : graph.Floats(node, node.OpType == "Upsample" || graph.Opset < 11 ? node.Input(1) : node.Input(2), "scales");
        if (scales.Length < 3 || scales[0] != 1f || scales[1] != 1f)
            throw node.Unsupported("scales", $"[{string.Join(", ", scales)}]; only [1, 1, s1, …] (N and C kept) is supported");
        if (node.OpType == "Upsample" && scales.Any(s => s < 1f))
            throw node.Unsupported("scales", $"[{string.Join(", ", scales)}]; Upsample's scales must be at least 1");
        // Resize-10 leaves nearest's rounding open: up-sampling floors (as Upsample), ONNX Runtime rounds up when down-sampling.
        if (graph.Opset < 11 && sampling.Mode == ResizeMode.Nearest && scales.Any(s => s < 1f))
            throw node.Unsupported("scales", $"[{string.Join(", ", scales)}]; nearest down-sampling at opset {graph.Opset} (which does not define its rounding) is not supported");
        return Applied(new ResizeLayer(node.Name, scales[2..], sampling));

        LayerStep Applied(ResizeLayer layer) => new(node.Name, node.Input(0), node.Output, layer);
    }

    /// <summary>The node's interpolation; Upsample and Resize of opset 10 take source index i/scale, nearest rounding down.</summary>
    private static ResizeSampling Sampling(OnnxNodeReader node, OnnxGraphImport graph)
    {
        int opset = graph.Opset;
        string mode = node.String("mode", "nearest");
        var resizeMode = Find(Modes, mode) ?? throw node.Unsupported("mode", $"{mode}; nearest, linear and cubic are supported");
        if (node.OpType == "Upsample" || opset < 11)
        {
            if (resizeMode == ResizeMode.Cubic) throw node.Unsupported("mode", $"cubic is not a mode of {node.OpType} at opset {opset}");
            return new ResizeSampling(resizeMode, ResizeCoordinates.Asymmetric, NearestRounding.Floor);
        }
        string transform = node.String("coordinate_transformation_mode", "half_pixel");
        var coordinates = Find(Transforms, transform) ?? throw node.Unsupported("coordinate_transformation_mode",
            $"{transform}; half_pixel, pytorch_half_pixel, align_corners, asymmetric and tf_crop_and_resize are supported " +
            "(tf_half_pixel_for_nn, TensorFlow 1's, is not)");
        string nearest = node.String("nearest_mode", "round_prefer_floor");
        var rounding = Find(Roundings, nearest) ?? throw node.Unsupported("nearest_mode", $"{nearest}; {string.Join(", ", Roundings.Select(r => r.Name))} are supported");
        float extrapolation = node.Float("extrapolation_value", 0f); // read by tf_crop_and_resize only
        if (node.Int("antialias", 0) != 0) throw node.Unsupported("antialias", "1; only 0 (no anti-aliasing filter when down-sampling) is supported");
        if (node.Ints("axes") is not null) throw node.Unsupported("axes", "scales or sizes of every axis are supported, not of some");
        if (node.String("keep_aspect_ratio_policy", "stretch") != "stretch")
            throw node.Unsupported("keep_aspect_ratio_policy", $"{node.String("keep_aspect_ratio_policy", "")}; only stretch is supported");
        var crop = coordinates == ResizeCoordinates.TfCropAndResize ? new ResizeCrop(Roi(node, graph), extrapolation) : null;
        return new ResizeSampling(resizeMode, coordinates, rounding, node.Float("cubic_coeff_a", -0.75f), node.Int("exclude_outside", 0) != 0, crop);
    }

    /// <summary>tf_crop_and_resize's region of interest, the constant input roi [start₁ … start_r, end₁ … end_r]: the spatial axes' (N and C whole).</summary>
    private static (double, double)[] Roi(OnnxNodeReader node, OnnxGraphImport graph)
    {
        if (node.Input(1) == "") throw node.Unsupported("roi", "tf_crop_and_resize without its region of interest");
        var roi = graph.Floats(node, node.Input(1), "roi");
        int rank = roi.Length / 2;
        if (roi.Length % 2 != 0 || rank < 3 || roi[0] != 0 || roi[1] != 0 || roi[rank] != 1 || roi[rank + 1] != 1)
            throw node.Unsupported("roi", $"[{string.Join(", ", roi)}]; [0, 0, s1 …, 1, 1, e1 …] (N and C whole) is supported");
        return Enumerable.Range(2, rank - 2).Select(a => ((double)roi[a], (double)roi[rank + a])).ToArray();
    }

    /// <summary>The Resize node of a <see cref="ResizeLayer"/>, applied to x.</summary>
    public static string Export(OnnxGraphBuilder onnx, ResizeLayer resize, string x)
    {
        var s = resize.Sampling;
        float[]? roi = s.Crop is { } crop ? [0, 0, .. crop.Roi.Select(r => (float)r.Start), 1, 1, .. crop.Roi.Select(r => (float)r.End)] : null;
        return Node(onnx, resize.Name, x, resize.Scales?.ToArray(), resize.Sizes?.Select(d => (long)d).ToArray(),
            [String("mode", Modes.Single(m => m.Mode == s.Mode).Name),
            String("coordinate_transformation_mode", Transforms.Single(t => t.Coordinates == s.Coordinates).Name),
            String("nearest_mode", Roundings.Single(r => r.Rounding == s.Rounding).Name),
            Float("cubic_coeff_a", s.CubicA), Int("exclude_outside", s.ExcludeOutside ? 1 : 0),
            Float("extrapolation_value", s.Crop?.ExtrapolationValue ?? 0f)], roi);
    }

    /// <summary>
    /// A Resize of x's spatial axes by <paramref name="scales"/> ([1, 1, …] prepended) or to <paramref name="sizes"/>, which
    /// follow shape(x)[0:2] computed in the graph, so that the batch stays dynamic.
    /// </summary>
    public static string Node(OnnxGraphBuilder onnx, string name, string x, float[]? scales, long[]? sizes, AttributeProto[] attributes, float[]? roi = null)
    {
        string roiInput = roi is null ? "" : onnx.Floats($"{name}.roi", roi);
        if (scales is not null) return onnx.Node("Resize", name, [x, roiInput, onnx.Floats($"{name}.scales", [1f, 1f, .. scales])], attributes);
        string shapeOf = onnx.Node("Shape", $"{name}.shape", [x]);
        string nc = onnx.Node("Slice", $"{name}.nc", [shapeOf, onnx.Int64s($"{name}.nc_starts", 0), onnx.Int64s($"{name}.nc_ends", 2)]);
        string all = onnx.Node("Concat", $"{name}.sizes", [nc, onnx.Int64s($"{name}.spatial", sizes!)], Int("axis", 0));
        return onnx.Node("Resize", name, [x, roiInput, "", all], attributes);
    }

    private static T? Find<T>((T Value, string Name)[] names, string name) where T : struct =>
        names.Where(n => n.Name == name).Select(n => (T?)n.Value).FirstOrDefault();
}
