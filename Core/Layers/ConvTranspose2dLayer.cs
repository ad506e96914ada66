using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// 2-D transposed convolution (torch.nn.ConvTranspose2d), the learned upsampling of decoders: weight
/// [Cin, Cout/groups, k, k] as PyTorch stores it, optional bias [Cout]. Input [N, Cin, H, W] → output
/// [N, Cout, (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1, likewise for W].
/// </summary>
public sealed class ConvTranspose2dLayer : ConvolutionLayer<ConvTranspose2dGeometry>
{
    public ConvTranspose2dLayer(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1, bool bias = true)
        : base(name, inChannels, outChannels, dilation, groups,
            Validated(inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups), bias)
    {
        KernelSize = kernelSize; Stride = stride; Padding = padding; OutputPadding = outputPadding;
    }

    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }

    /// <summary>The weight shape [Cin, Cout/groups, k, k] (PyTorch's), once every hyper-parameter is validated.</summary>
    private static TensorShape Validated(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding,
        int dilation, int groups)
    {
        Require.Positive(inChannels, nameof(inChannels));
        Require.Positive(outChannels, nameof(outChannels));
        Require.Positive(kernelSize, nameof(kernelSize));
        Require.Positive(stride, nameof(stride));
        Require.NonNegative(padding, nameof(padding));
        Require.Positive(dilation, nameof(dilation));
        Require.Positive(groups, nameof(groups));
        // The extra rows and columns must still map back onto the input, as PyTorch requires.
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"outputPadding must be in [0, stride = {stride}); {outputPadding} was given.", nameof(outputPadding));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException(
                $"groups ({groups}) must divide inChannels ({inChannels}) and outChannels ({outChannels}).", nameof(groups));
        return new TensorShape(inChannels, outChannels / groups, kernelSize, kernelSize);
    }

    private protected override ConvTranspose2dGeometry CreateGeometry(TensorShape input) =>
        new(input[0], InChannels, input[2], input[3], OutChannels, KernelSize, KernelSize, Stride, Stride, Padding2d.Symmetric(Padding),
            OutputPadding, OutputPadding, Dilation, Dilation, Groups);

    private protected override void KernelForward(ConvTranspose2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output) =>
        ConvTranspose2d.Forward(g, input, weight, bias, output);

    private protected override void KernelBackwardWeights(ConvTranspose2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight,
        Tensor? gradBias) => ConvTranspose2d.BackwardWeights(g, input, gradOutput, gradWeight, gradBias);

    private protected override void KernelBackwardData(ConvTranspose2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput) =>
        ConvTranspose2d.BackwardData(g, gradOutput, weight, gradInput);
}
