using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The sliding-window attributes shared by ONNX's Conv, ConvTranspose, MaxPool and AveragePool: kernel_shape, strides,
/// pads ([top, left, bottom, right] for 2-D), dilations and auto_pad (NOTSET, VALID, SAME_UPPER).
/// </summary>
internal readonly record struct OnnxWindow(int KernelH, int KernelW, int StrideH, int StrideW, Padding2d Pads, bool Same,
    int DilationH, int DilationW)
{
    public ConvPadding Padding => Same ? ConvPadding.Same : ConvPadding.Explicit(Pads);

    public (int Height, int Width) Kernel => (KernelH, KernelW);

    public (int H, int W) Stride => (StrideH, StrideW);

    /// <summary>Reads the attributes of a 2-D window; <paramref name="kernelH"/>, <paramref name="kernelW"/> come from the weight, if any.</summary>
    public static OnnxWindow Read(OnnxNodeReader node, int? kernelH = null, int? kernelW = null)
    {
        var kernel = node.Ints("kernel_shape") ?? (kernelH is null ? null : [kernelH.Value, kernelW!.Value]);
        if (kernel is null) throw node.Unsupported("kernel_shape", "it is missing");
        if (kernel.Length != 2) throw node.Unsupported("kernel_shape", $"[{string.Join(", ", kernel)}] is not 2-D; only 2-D windows are supported");
        if (kernelH is not null && (kernel[0] != kernelH || kernel[1] != kernelW))
            throw node.Unsupported("kernel_shape", $"[{string.Join(", ", kernel)}] differs from the weight's {kernelH}×{kernelW}");
        var strides = Pair(node, "strides");
        var dilations = Pair(node, "dilations");
        var pads = node.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4) throw node.Unsupported("pads", $"{pads.Length} values; a 2-D window takes 4");
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER"))
            throw node.Unsupported("auto_pad", $"{autoPad}; NOTSET, VALID and SAME_UPPER are supported");
        if (autoPad == "VALID") pads = [0, 0, 0, 0];
        bool same = autoPad == "SAME_UPPER";
        return new OnnxWindow((int)kernel[0], (int)kernel[1], strides.H, strides.W,
            new Padding2d((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]), same, dilations.H, dilations.W);
    }

    private static (int H, int W) Pair(OnnxNodeReader node, string name)
    {
        var values = node.Ints(name) ?? [1, 1];
        return values.Length == 2 ? ((int)values[0], (int)values[1]) : throw node.Unsupported(name, $"{values.Length} values; a 2-D window takes 2");
    }

    /// <summary>The one dilation of a layer that dilates both axes alike.</summary>
    public int Dilation(OnnxNodeReader node) => DilationH == DilationW ? DilationH
        : throw node.Unsupported("dilations", $"[{DilationH}, {DilationW}]; only equal dilations are supported");

    /// <summary>The side and stride of a square window, for a layer that takes no other (ConvTranspose2dLayer).</summary>
    public (int Kernel, int Stride) Square(OnnxNodeReader node)
    {
        if (KernelH != KernelW) throw node.Unsupported("kernel_shape", $"{KernelH}×{KernelW}; only square kernels are supported for this op");
        if (StrideH != StrideW) throw node.Unsupported("strides", $"[{StrideH}, {StrideW}]; only one stride for both axes is supported for this op");
        return (KernelH, StrideH);
    }
}
