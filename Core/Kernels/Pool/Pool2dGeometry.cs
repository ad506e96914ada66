using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Everything that fixes the shapes of one 2-D pooling (max or average), with PyTorch's semantics:
///   input  [N, C, H, W]
///   output [N, C, Hout, Wout], Hout = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1 + (ceilMode ? sH − 1 : 0)) / sH⌋ + 1,
///   and in ceil mode one less when the last window would start at or below row H + padTop of the padded
///   input: every window starts inside the input or the top padding (likewise for the width).
/// Output row oh covers input rows oh·sH − padTop + kh·dH for 0 ≤ kh &lt; kH; rows outside the input are padding.
/// No padding side reaches the dilated kernel's extent dH·(kH − 1) + 1 (so every window's span meets the input; ONNX allows
/// that much, PyTorch at most half the kernel), and the dilated kernel fits the padded input.
/// </summary>
internal sealed record Pool2dGeometry
{
    public Pool2dGeometry(int batch, int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth,
        int strideH, int strideW, Padding2d padding = default, int dilationH = 1, int dilationW = 1,
        bool ceilMode = false)
    {
        Require.Positive(batch, nameof(batch));
        Require.Positive(channels, nameof(channels));
        Require.Positive(inHeight, nameof(inHeight));
        Require.Positive(inWidth, nameof(inWidth));
        Require.Positive(kernelHeight, nameof(kernelHeight));
        Require.Positive(kernelWidth, nameof(kernelWidth));
        Require.Positive(strideH, nameof(strideH));
        Require.Positive(strideW, nameof(strideW));
        Require.Positive(dilationH, nameof(dilationH));
        Require.Positive(dilationW, nameof(dilationW));
        RequireInsideExtent(padding.Top, kernelHeight, dilationH, "padding.Top", "height");
        RequireInsideExtent(padding.Bottom, kernelHeight, dilationH, "padding.Bottom", "height");
        RequireInsideExtent(padding.Left, kernelWidth, dilationW, "padding.Left", "width");
        RequireInsideExtent(padding.Right, kernelWidth, dilationW, "padding.Right", "width");

        Batch = batch; Channels = channels; InHeight = inHeight; InWidth = inWidth;
        KernelHeight = kernelHeight; KernelWidth = kernelWidth; StrideH = strideH; StrideW = strideW;
        Padding = padding; DilationH = dilationH; DilationW = dilationW; CeilMode = ceilMode;
        OutHeight = WindowExtent.OutputSize(inHeight, padding.Top, padding.Bottom, kernelHeight, strideH, dilationH,
            nameof(kernelHeight), "height", ceilMode);
        OutWidth = WindowExtent.OutputSize(inWidth, padding.Left, padding.Right, kernelWidth, strideW, dilationW,
            nameof(kernelWidth), "width", ceilMode);
    }

    /// <summary>Geometry of a pooling over an input tensor of shape [N, C, H, W].</summary>
    public static Pool2dGeometry ForInput(TensorShape input, int kernelHeight, int kernelWidth, int strideH,
        int strideW, Padding2d padding = default, int dilationH = 1, int dilationW = 1, bool ceilMode = false)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"input must have rank 4 [N, C, H, W]; its shape is {input}.", nameof(input));
        return new Pool2dGeometry(input[0], input[1], input[2], input[3], kernelHeight, kernelWidth, strideH, strideW,
            padding, dilationH, dilationW, ceilMode);
    }

    public int Batch { get; }
    public int Channels { get; }
    public int InHeight { get; }
    public int InWidth { get; }
    public int KernelHeight { get; }
    public int KernelWidth { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public Padding2d Padding { get; }
    public int DilationH { get; }
    public int DilationW { get; }
    public bool CeilMode { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }

    public TensorShape InputShape => new(Batch, Channels, InHeight, InWidth);
    public TensorShape OutputShape => new(Batch, Channels, OutHeight, OutWidth);

    private static void RequireInsideExtent(int pad, int kernel, int dilation, string name, string axis)
    {
        Require.NonNegative(pad, name);
        int extent = dilation * (kernel - 1) + 1;
        if (pad >= extent)
            throw new ArgumentException(
                $"{name} is {pad}; it must be smaller than the dilated kernel {axis} ({extent}), or windows would read padding only.", name);
    }
}
