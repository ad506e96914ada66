using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// 2-D convolution layer (torch.nn.Conv2d): weight [Cout, Cin/groups, kH, kW], optional bias [Cout].
/// Input [N, Cin, H, W] → output [N, Cout, Hout, Wout]. <see cref="ConvPadding"/> gives explicit, "same" or
/// "valid" padding; "same" is resolved per input size.
/// </summary>
public sealed class Conv2dLayer : ConvolutionLayer<Conv2dGeometry>
{
    /// <summary>A convolution with a square kernel and the same stride on both axes.</summary>
    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="inChannels">Cin of the input [N, Cin, H, W].</param>
    /// <param name="outChannels">Cout, the filters.</param>
    /// <param name="kernelSize">The kernel's side.</param>
    /// <param name="stride">The step between kernel positions.</param>
    /// <param name="padding">Explicit, "same" or "valid" padding; an int pads all sides alike; default none.</param>
    /// <param name="dilation">The spacing of the kernel taps (1: adjacent).</param>
    /// <param name="groups">Channel groups (Cin for depthwise).</param>
    /// <param name="bias">Whether the layer adds a bias per output channel.</param>
    public Conv2dLayer(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        ConvPadding? padding = null, int dilation = 1, int groups = 1, bool bias = true)
        : this(name, inChannels, outChannels, kernelSize, kernelSize, stride, stride, padding, dilation, groups, bias) { }

    /// <summary>A convolution with a rectangular kernel and a stride per axis.</summary>
    /// <inheritdoc cref="Conv2dLayer(string, int, int, int, int, ConvPadding, int, int, bool)"/>
    public Conv2dLayer(string name, int inChannels, int outChannels, int kernelHeight, int kernelWidth, int strideH,
        int strideW, ConvPadding? padding = null, int dilation = 1, int groups = 1, bool bias = true)
        : base(name, inChannels, outChannels, dilation, groups,
            Validated(inChannels, outChannels, kernelHeight, kernelWidth, strideH, strideW, dilation, groups), bias)
    {
        KernelHeight = kernelHeight; KernelWidth = kernelWidth; StrideH = strideH; StrideW = strideW;
        Padding = padding ?? ConvPadding.Valid;
    }

    /// <summary>kH, the kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>kW, the kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>The vertical stride.</summary>
    public int StrideH { get; }
    /// <summary>The horizontal stride.</summary>
    public int StrideW { get; }
    /// <summary>The padding: explicit, "same" or "valid".</summary>
    public ConvPadding Padding { get; }

    /// <summary>The weight shape [Cout, Cin/groups, kH, kW], once every hyper-parameter is validated on a 1×1-output stand-in input.</summary>
    private static TensorShape Validated(int inChannels, int outChannels, int kernelHeight, int kernelWidth, int strideH, int strideW,
        int dilation, int groups)
    {
        _ = new Conv2dGeometry(1, inChannels, dilation * (kernelHeight - 1) + 1, dilation * (kernelWidth - 1) + 1,
            outChannels, kernelHeight, kernelWidth, strideH, strideW, default, dilation, dilation, groups);
        return new TensorShape(outChannels, inChannels / groups, kernelHeight, kernelWidth);
    }

    private protected override Conv2dGeometry CreateGeometry(TensorShape input)
    {
        var padding = Padding.Resolve(input[2], input[3], KernelHeight, KernelWidth, StrideH, StrideW, Dilation);
        return new Conv2dGeometry(input[0], InChannels, input[2], input[3], OutChannels, KernelHeight, KernelWidth, StrideH, StrideW,
            padding, Dilation, Dilation, Groups);
    }

    /// <summary>
    /// Whether inference on this input writes channel blocks (<see cref="InferToBlocks"/>): <see cref="Sequential.InferOnChannelBlocks"/>
    /// is on, a channel-blocked kernel runs the layer (<see cref="Conv2d.RunsOnBlocks"/>: not grouped layers other than
    /// depthwise, not a CPU without AVX2), and it is the faster kernel here: depthwise, a shape the planes path runs on the
    /// direct kernel anyway (<see cref="Conv2d.RunsDirect"/>), or channel blocks in and either an unpadded 1×1 layer (one run of
    /// all positions, read in place, or picked first at a stride) or rows of at least 4 outputs. A stem or a 1×1 layer on planes
    /// stays on its GEMM, and so does a k×k layer on 2×2 maps, whose blocks are turned into planes first (a tile of 2 outputs is
    /// bound by its loads).
    /// </summary>
    internal bool InfersToBlocks(InferenceValue input)
    {
        if (!Sequential.InferOnChannelBlocks) return false;
        var g = Geometry(input.Shape);
        return Conv2d.RunsOnBlocks(g) && (g.IsDepthwise || Conv2d.RunsDirect(g) ||
            (input.Blocks is not null && (g.IsUnpaddedOneByOne || g.OutWidth >= 4)));
    }

    /// <summary>
    /// The inference forward pass into channel blocks, from planes or channel blocks, with another bias and the
    /// <see cref="ConvEpilogue"/> (its addend as channel blocks). Requires <see cref="InfersToBlocks"/>.
    /// </summary>
    internal ChannelBlocks InferToBlocks(InferenceValue input, Tensor? bias, ConvEpilogue epilogue)
    {
        var g = Geometry(input.Shape);
        var output = OutputBlocks(g.OutputShape);
        Conv2d.ForwardToBlocks(g, input.Blocks?.Data ?? input.Planes!, input.Blocks is not null, Weight.Value, bias, output.Data,
            epilogue with { Packing = InferencePacking });
        return output;
    }

    private protected override void KernelForward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output) =>
        Conv2d.Forward(g, input, weight, bias, output);

    private protected override void KernelForward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output,
        ConvEpilogue epilogue) => Conv2d.Forward(g, input, weight, bias, output, epilogue);

    private protected override void KernelBackwardWeights(Conv2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias) =>
        Conv2d.BackwardWeights(g, input, gradOutput, gradWeight, gradBias);

    private protected override void KernelBackwardData(Conv2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput) =>
        Conv2d.BackwardData(g, gradOutput, weight, gradInput);
}
