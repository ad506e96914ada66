using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The sliding-window attributes shared by ONNX's Conv, ConvTranspose, MaxPool and AveragePool: kernel_shape, strides,
/// pads ([top, left, bottom, right] for 2-D, [begin, end] for 1-D), dilations and auto_pad (NOTSET, VALID, SAME_UPPER,
/// SAME_LOWER). A 1-D window over [N, C, L] is read as a 2-D one of height 1 (kernel 1 × k, no padding of the height),
/// which the core's 2-D layers run on [N, C, 1, L] (<see cref="Step"/>).
/// </summary>
internal readonly record struct OnnxWindow(int KernelH, int KernelW, int StrideH, int StrideW, Padding2d Pads, string AutoPad,
    int DilationH, int DilationW, bool OneDimensional)
{
    /// <summary>The layer's padding: auto_pad's SAME_UPPER or SAME_LOWER, else the pads (none for VALID).</summary>
    public ConvPadding Padding => AutoPad switch
    {
        "SAME_UPPER" => ConvPadding.Same,
        "SAME_LOWER" => ConvPadding.SameLower,
        _ => ConvPadding.Explicit(Pads),
    };

    public (int Height, int Width) Kernel => (KernelH, KernelW);

    public (int H, int W) Stride => (StrideH, StrideW);

    /// <summary>
    /// Reads the attributes of a 1-D or 2-D window; <paramref name="weightKernel"/>, the spatial dimensions of the weight
    /// (Conv, ConvTranspose), gives the kernel when kernel_shape is absent and must agree with it otherwise.
    /// </summary>
    public static OnnxWindow Read(OnnxNodeReader node, int[]? weightKernel = null)
    {
        var kernel = (node.Ints("kernel_shape") is { } attribute ? Int32s(node, "kernel_shape", attribute) : weightKernel)
            ?? throw node.Unsupported("kernel_shape", "it is missing");
        if (kernel.Length is not (1 or 2))
            throw node.Unsupported("kernel_shape", $"[{string.Join(", ", kernel)}] is {kernel.Length}-D; only 1-D and 2-D windows are supported");
        if (weightKernel is not null && !kernel.SequenceEqual(weightKernel))
            throw node.Unsupported("kernel_shape", $"[{string.Join(", ", kernel)}] differs from the weight's [{string.Join(", ", weightKernel)}]");
        int rank = kernel.Length;
        var strides = Values(node, "strides", rank, 1);
        var dilations = Values(node, "dilations", rank, 1);
        var pads = Values(node, "pads", 2 * rank, 0);
        if (pads.Any(p => p < 0)) throw node.Unsupported("pads", $"[{string.Join(", ", pads)}]; negative pads are not supported");
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
            throw node.Unsupported("auto_pad", $"{autoPad}; NOTSET, VALID, SAME_UPPER and SAME_LOWER are supported");
        if (autoPad != "NOTSET") pads = new int[2 * rank]; // the pads attribute is ignored, as the specification says
        // 1-D: height 1, nothing along it; the pads [begin, end] pad the width.
        return rank == 1
            ? new OnnxWindow(1, kernel[0], 1, strides[0], new Padding2d(0, pads[0], 0, pads[1]), autoPad, 1, dilations[0], true)
            : new OnnxWindow(kernel[0], kernel[1], strides[0], strides[1], new Padding2d(pads[0], pads[1], pads[2], pads[3]),
                autoPad, dilations[0], dilations[1], false);
    }

    /// <summary>The attribute's values, <paramref name="count"/> of them (all <paramref name="fallback"/> when it is absent).</summary>
    public static int[] Values(OnnxNodeReader node, string name, int count, int fallback)
    {
        var values = node.Ints(name) ?? Enumerable.Repeat((long)fallback, count).ToArray();
        return values.Length == count ? Int32s(node, name, values)
            : throw node.Unsupported(name, $"{values.Length} values; a {count / (name == "pads" ? 2 : 1)}-D window takes {count}");
    }

    /// <summary>An attribute's int64 values as ints; one beyond the int range is refused.</summary>
    public static int[] Int32s(OnnxNodeReader node, string name, long[] values) =>
        values.All(v => v is >= int.MinValue and <= int.MaxValue) ? values.Select(v => (int)v).ToArray()
            : throw node.Unsupported(name, $"[{string.Join(", ", values)}] is beyond the range of sizes this importer takes");

    /// <summary>The one dilation of a layer that dilates both axes alike (a 1-D window: its own).</summary>
    public int Dilation(OnnxNodeReader node) => OneDimensional || DilationH == DilationW ? DilationW
        : throw node.Unsupported("dilations", $"[{DilationH}, {DilationW}]; only equal dilations are supported");

    /// <summary>
    /// The window of a pool, whose pads must each be smaller than the dilated kernel: a window of padding only has no maximum
    /// or mean that ONNX defines (ONNX Runtime takes pads smaller than the kernel only).
    /// </summary>
    public OnnxWindow Pooling(OnnxNodeReader node)
    {
        int extentH = DilationH * (KernelH - 1) + 1, extentW = DilationW * (KernelW - 1) + 1;
        if (Pads.Top >= extentH || Pads.Bottom >= extentH || Pads.Left >= extentW || Pads.Right >= extentW)
            throw node.Unsupported("pads", $"{Pads} for a {extentH}×{extentW} window; a window would read padding only");
        return this;
    }

    /// <summary>The step running <paramref name="layer"/> on the node's input: as is, or on [N, C, 1, L] for a 1-D window.</summary>
    public OnnxStep Step(OnnxNodeReader node, Layer layer) => OneDimensional
        ? new LineLayerStep(node.Name, node.Input(0), node.Output, layer)
        : new LayerStep(node.Name, node.Input(0), node.Output, layer);
}
