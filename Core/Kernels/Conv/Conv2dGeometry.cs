using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Everything that fixes the shapes of one 2-D convolution:
///   input  [N, Cin, H, W]
///   weight [Cout, Cin/groups, kH, kW]
///   bias   [Cout]
///   output [N, Cout, Hout, Wout], Hout = floor((H + padTop + padBottom − dH·(kH − 1) − 1) / sH) + 1.
/// Depthwise convolution is groups = Cin (= Cout or a multiple of it).
/// </summary>
public sealed record Conv2dGeometry : IConvolutionGeometry
{
    /// <summary>The geometry of one convolution; throws an <see cref="ArgumentException"/> naming the argument when the shapes do not fit (non-positive sizes, channels not divisible by groups, a kernel larger than the padded input).</summary>
    /// <param name="batch">N, images per batch.</param>
    /// <param name="inChannels">Cin.</param>
    /// <param name="inHeight">H of the input, in pixels.</param>
    /// <param name="inWidth">W of the input, in pixels.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="kernelHeight">kH.</param>
    /// <param name="kernelWidth">kW.</param>
    /// <param name="strideH">sH, the vertical stride.</param>
    /// <param name="strideW">sW, the horizontal stride.</param>
    /// <param name="padding">Zero padding of each side.</param>
    /// <param name="dilationH">dH, the vertical spacing of the kernel taps.</param>
    /// <param name="dilationW">dW, the horizontal spacing of the kernel taps.</param>
    /// <param name="groups">G: Cin and Cout split into G independent groups.</param>
    public Conv2dGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
        int kernelHeight, int kernelWidth, int strideH = 1, int strideW = 1, Padding2d padding = default,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        Require.Positive(batch, nameof(batch));
        Require.Positive(inChannels, nameof(inChannels));
        Require.Positive(inHeight, nameof(inHeight));
        Require.Positive(inWidth, nameof(inWidth));
        Require.Positive(outChannels, nameof(outChannels));
        Require.Positive(kernelHeight, nameof(kernelHeight));
        Require.Positive(kernelWidth, nameof(kernelWidth));
        Require.Positive(strideH, nameof(strideH));
        Require.Positive(strideW, nameof(strideW));
        Require.Positive(dilationH, nameof(dilationH));
        Require.Positive(dilationW, nameof(dilationW));
        Require.Positive(groups, nameof(groups));
        Require.NonNegative(padding.Top, "padding.Top");
        Require.NonNegative(padding.Left, "padding.Left");
        Require.NonNegative(padding.Bottom, "padding.Bottom");
        Require.NonNegative(padding.Right, "padding.Right");
        if (inChannels % groups != 0)
            throw new ArgumentException(
                $"inChannels ({inChannels}) must be divisible by groups ({groups}).", nameof(groups));
        if (outChannels % groups != 0)
            throw new ArgumentException(
                $"outChannels ({outChannels}) must be divisible by groups ({groups}).", nameof(groups));
        int outHeight = WindowExtent.OutputSize(inHeight, padding.Top, padding.Bottom, kernelHeight, strideH, dilationH,
            nameof(kernelHeight), "height");
        int outWidth = WindowExtent.OutputSize(inWidth, padding.Left, padding.Right, kernelWidth, strideW, dilationW,
            nameof(kernelWidth), "width");

        Batch = batch; InChannels = inChannels; InHeight = inHeight; InWidth = inWidth;
        OutChannels = outChannels; KernelHeight = kernelHeight; KernelWidth = kernelWidth;
        StrideH = strideH; StrideW = strideW; Padding = padding;
        DilationH = dilationH; DilationW = dilationW; Groups = groups;
        OutHeight = outHeight;
        OutWidth = outWidth;
    }

    /// <summary>Geometry of a convolution over an input tensor of shape [N, Cin, H, W].</summary>
    public static Conv2dGeometry ForInput(TensorShape input, int outChannels, int kernelHeight, int kernelWidth,
        int strideH = 1, int strideW = 1, Padding2d padding = default, int dilationH = 1, int dilationW = 1,
        int groups = 1)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"input must have rank 4 [N, C, H, W]; its shape is {input}.", nameof(input));
        return new Conv2dGeometry(input[0], input[1], input[2], input[3], outChannels, kernelHeight, kernelWidth,
            strideH, strideW, padding, dilationH, dilationW, groups);
    }

    /// <summary>N, images per batch.</summary>
    public int Batch { get; }
    /// <summary>Cin, the input channels.</summary>
    public int InChannels { get; }
    /// <summary>H, the input height in pixels.</summary>
    public int InHeight { get; }
    /// <summary>W, the input width in pixels.</summary>
    public int InWidth { get; }
    /// <summary>Cout, the output channels.</summary>
    public int OutChannels { get; }
    /// <summary>kH, the kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>kW, the kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>sH, the vertical stride.</summary>
    public int StrideH { get; }
    /// <summary>sW, the horizontal stride.</summary>
    public int StrideW { get; }
    /// <summary>The zero padding of each side.</summary>
    public Padding2d Padding { get; }
    /// <summary>dH, the vertical spacing of the kernel taps (1: adjacent).</summary>
    public int DilationH { get; }
    /// <summary>dW, the horizontal spacing of the kernel taps (1: adjacent).</summary>
    public int DilationW { get; }
    /// <summary>G, the number of channel groups.</summary>
    public int Groups { get; }
    /// <summary>Hout = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1) / sH⌋ + 1.</summary>
    public int OutHeight { get; }
    /// <summary>Wout = ⌊(W + padLeft + padRight − dW·(kW − 1) − 1) / sW⌋ + 1.</summary>
    public int OutWidth { get; }

    /// <summary>Cin / G, the input channels each output channel sees.</summary>
    public int InChannelsPerGroup => InChannels / Groups;
    /// <summary>Cout / G, the output channels per group.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Rows of the im2col matrix of one group: (Cin/groups)·kH·kW.</summary>
    public int PatchSize => InChannelsPerGroup * KernelHeight * KernelWidth;

    /// <summary>[N, Cin, H, W].</summary>
    public TensorShape InputShape => new(Batch, InChannels, InHeight, InWidth);
    /// <summary>[Cout, Cin/G, kH, kW].</summary>
    public TensorShape WeightShape => new(OutChannels, InChannelsPerGroup, KernelHeight, KernelWidth);
    /// <summary>[Cout].</summary>
    public TensorShape BiasShape => new(OutChannels);
    /// <summary>[N, Cout, Hout, Wout].</summary>
    public TensorShape OutputShape => new(Batch, OutChannels, OutHeight, OutWidth);

    /// <summary>Multiply-adds ×2 of one forward pass: 2·N·Cout·Hout·Wout·(Cin/groups)·kH·kW.</summary>
    public double ForwardFlops => 2.0 * Batch * OutChannels * OutHeight * OutWidth * PatchSize;

    /// <summary>Rows of the padded input the taps reach: (Hout − 1)·sH + (kH − 1)·dH + 1 (input row ih is padded row pT + ih).</summary>
    public int ReachedHeight => (OutHeight - 1) * StrideH + (KernelHeight - 1) * DilationH + 1;

    /// <summary>Columns of the padded input the taps reach: (Wout − 1)·sW + (kW − 1)·dW + 1.</summary>
    public int ReachedWidth => (OutWidth - 1) * StrideW + (KernelWidth - 1) * DilationW + 1;

    /// <summary>Input rows inside <see cref="ReachedHeight"/> (those past the last tap are never read).</summary>
    public int ReachedInputRows => Math.Clamp(ReachedHeight - Padding.Top, 0, InHeight);

    /// <summary>Input columns inside <see cref="ReachedWidth"/>.</summary>
    public int ReachedInputColumns => Math.Clamp(ReachedWidth - Padding.Left, 0, InWidth);

    /// <summary>A 1×1 kernel, unpadded, stride 1: the convolution is one matrix product per image.</summary>
    public bool IsPointwise => IsUnpaddedOneByOne && StrideH == 1 && StrideW == 1;

    /// <summary>A 1×1 kernel without padding, at any stride: each output reads one input pixel.</summary>
    public bool IsUnpaddedOneByOne => KernelHeight == 1 && KernelWidth == 1 && Padding == Padding2d.None;

    /// <summary>Depthwise: one group per input channel (G = Cin &gt; 1).</summary>
    public bool IsDepthwise => Groups == InChannels && Groups > 1;

    /// <summary>
    /// For stride 1, the geometry whose forward pass computes this convolution's input gradient: a
    /// convolution of dy [N, Cout, Hout, Wout] with the kernel turned by 180° (input and output channels
    /// swapped within each group) and padding d·(k − 1) − p on each side, giving exactly H×W outputs.
    /// Null for stride > 1, or when a padding exceeds the dilated kernel extent.
    /// </summary>
    internal Conv2dGeometry? StrideOneAdjoint()
    {
        if (StrideH != 1 || StrideW != 1) return null;
        int extentH = DilationH * (KernelHeight - 1), extentW = DilationW * (KernelWidth - 1);
        var p = new Padding2d(extentH - Padding.Top, extentW - Padding.Left, extentH - Padding.Bottom, extentW - Padding.Right);
        if (p.Top < 0 || p.Left < 0 || p.Bottom < 0 || p.Right < 0) return null;
        return new Conv2dGeometry(Batch, OutChannels, OutHeight, OutWidth, InChannels, KernelHeight, KernelWidth, 1, 1, p,
            DilationH, DilationW, Groups);
    }

    /// <summary>A copy with other batch, channel or group counts (same kernel, stride, padding, dilation, spatial size).</summary>
    internal Conv2dGeometry With(int? batch = null, int? inChannels = null, int? outChannels = null, int? groups = null) =>
        new(batch ?? Batch, inChannels ?? InChannels, InHeight, InWidth, outChannels ?? OutChannels, KernelHeight, KernelWidth,
            StrideH, StrideW, Padding, DilationH, DilationW, groups ?? Groups);
}
