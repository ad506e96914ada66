using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// 2-D transposed convolution (torch.nn.ConvTranspose2d, ONNX ConvTranspose), the learned upsampling of decoders: weight
/// [Cin, Cout/groups, kH, kW] as PyTorch stores it, optional bias [Cout]. Input [N, Cin, H, W] → output
/// [N, Cout, (H − 1)·sH − padTop − padBottom + dilation·(kH − 1) + outputPaddingH + 1, likewise for W].
/// The padding is explicit, or derived per input size from an output size: <see cref="OutputSize"/> when given, else
/// H·sH × W·sW for "same" padding. Then, as ONNX defines it, total = (H − 1)·sH + outputPaddingH + dilation·(kH − 1) + 1 − Hout
/// is split with the odd row at the bottom for <see cref="ConvPadding.Same"/> and at the top otherwise; a negative total
/// (an output larger than the kernel reaches) becomes output padding instead.
/// </summary>
public sealed class ConvTranspose2dLayer : ConvolutionLayer<ConvTranspose2dGeometry>
{
    /// <summary>A square kernel, one stride, and the same padding and output padding on every side.</summary>
    public ConvTranspose2dLayer(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1, bool bias = true)
        : this(name, inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), ConvPadding.Symmetric(padding),
            (outputPadding, outputPadding), null, dilation, groups, bias) { }

    /// <summary>
    /// A kernel (height, width), strides (H, W), explicit or "same" <paramref name="padding"/> (valid by default), output
    /// padding (H, W) and, optionally, the output size (H, W) the padding is derived from (then explicit padding must be none).
    /// </summary>
    public ConvTranspose2dLayer(string name, int inChannels, int outChannels, (int Height, int Width) kernel, (int H, int W) stride,
        ConvPadding? padding = null, (int H, int W) outputPadding = default, (int H, int W)? outputSize = null, int dilation = 1,
        int groups = 1, bool bias = true)
        : base(name, inChannels, outChannels, dilation, groups,
            Validated(inChannels, outChannels, kernel, stride, padding ?? ConvPadding.Valid, outputPadding, outputSize, dilation, groups), bias)
    {
        (KernelHeight, KernelWidth) = kernel;
        (StrideH, StrideW) = stride;
        Padding = padding ?? ConvPadding.Valid;
        (OutputPaddingH, OutputPaddingW) = outputPadding;
        OutputSize = outputSize;
    }

    /// <summary>kH, the kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>kW, the kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>The vertical stride (the output's growth factor).</summary>
    public int StrideH { get; }
    /// <summary>The horizontal stride (the output's growth factor).</summary>
    public int StrideW { get; }
    /// <summary>The padding of the equivalent convolution, removed from the output.</summary>
    public ConvPadding Padding { get; }
    /// <summary>Rows added at the bottom of the output.</summary>
    public int OutputPaddingH { get; }
    /// <summary>Columns added at the right of the output.</summary>
    public int OutputPaddingW { get; }

    /// <summary>The output's (height, width) the padding is derived from, if fixed (ONNX output_shape).</summary>
    public (int H, int W)? OutputSize { get; }

    /// <summary>The weight shape [Cin, Cout/groups, kH, kW] (PyTorch's), once every hyper-parameter is validated.</summary>
    private static TensorShape Validated(int inChannels, int outChannels, (int Height, int Width) kernel, (int H, int W) stride,
        ConvPadding padding, (int H, int W) outputPadding, (int H, int W)? outputSize, int dilation, int groups)
    {
        Require.Positive(inChannels, nameof(inChannels));
        Require.Positive(outChannels, nameof(outChannels));
        Require.Positive(kernel.Height, "kernelHeight");
        Require.Positive(kernel.Width, "kernelWidth");
        Require.Positive(stride.H, "strideH");
        Require.Positive(stride.W, "strideW");
        Require.Positive(dilation, nameof(dilation));
        Require.Positive(groups, nameof(groups));
        if (!padding.IsSame)
        {
            var p = padding.Resolve(1, 1, 1, 1, 1, 1, 1);
            foreach (int side in new[] { p.Top, p.Left, p.Bottom, p.Right }) Require.NonNegative(side, nameof(padding));
            if (outputSize is not null && p != default)
                throw new ArgumentException($"padding ({p}) is derived from outputSize when that is given; pass no padding.", nameof(padding));
        }
        if (outputSize is { } size)
        {
            Require.Positive(size.H, "outputSize.H");
            Require.Positive(size.W, "outputSize.W");
        }
        // The extra rows and columns must still map back onto the input, as PyTorch requires.
        foreach (var (value, limit) in new[] { (outputPadding.H, stride.H), (outputPadding.W, stride.W) })
            if (value < 0 || value >= limit)
                throw new ArgumentException($"outputPadding must be in [0, stride = {limit}); {value} was given.", nameof(outputPadding));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException(
                $"groups ({groups}) must divide inChannels ({inChannels}) and outChannels ({outChannels}).", nameof(groups));
        return new TensorShape(inChannels, outChannels / groups, kernel.Height, kernel.Width);
    }

    /// <summary>The geometry of this layer for an input [N, Cin, H, W] (padding and output padding resolved): what an export writes.</summary>
    internal ConvTranspose2dGeometry GeometryFor(TensorShape input) => Geometry(input);

    private protected override ConvTranspose2dGeometry CreateGeometry(TensorShape input)
    {
        var padding = Padding.Resolve(1, 1, 1, 1, 1, 1, 1);
        int outputPaddingH = OutputPaddingH, outputPaddingW = OutputPaddingW;
        if (OutputSize is not null || Padding.IsSame)
        {
            var (height, width) = OutputSize ?? (input[2] * StrideH, input[3] * StrideW);
            bool oddAtEnd = Padding.IsSame && !Padding.IsSameLower;
            var (top, bottom, extraH) = Derived(input[2], KernelHeight, StrideH, OutputPaddingH, height, oddAtEnd);
            var (left, right, extraW) = Derived(input[3], KernelWidth, StrideW, OutputPaddingW, width, oddAtEnd);
            padding = new Padding2d(top, left, bottom, right);
            (outputPaddingH, outputPaddingW) = (OutputPaddingH + extraH, OutputPaddingW + extraW);
        }
        return new(input[0], InChannels, input[2], input[3], OutChannels, KernelHeight, KernelWidth, StrideH, StrideW, padding,
            outputPaddingH, outputPaddingW, Dilation, Dilation, Groups);
    }

    /// <summary>
    /// Along one axis, the padding (begin, end) that gives <paramref name="output"/> positions, or, when the kernel reaches
    /// fewer, no padding and the missing positions as extra output padding.
    /// </summary>
    private (int Begin, int End, int ExtraOutputPadding) Derived(int input, int kernel, int stride, int outputPadding, int output, bool oddAtEnd)
    {
        int total = (input - 1) * stride + outputPadding + Dilation * (kernel - 1) + 1 - output;
        if (total < 0) return (0, 0, -total);
        int begin = oddAtEnd ? total / 2 : total - total / 2;
        return (begin, total - begin, 0);
    }

    private protected override void KernelForward(ConvTranspose2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output) =>
        ConvTranspose2d.Forward(g, input, weight, bias, output);

    private protected override void KernelBackwardWeights(ConvTranspose2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight,
        Tensor? gradBias) => ConvTranspose2d.BackwardWeights(g, input, gradOutput, gradWeight, gradBias);

    private protected override void KernelBackwardData(ConvTranspose2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput) =>
        ConvTranspose2d.BackwardData(g, gradOutput, weight, gradInput);
}
