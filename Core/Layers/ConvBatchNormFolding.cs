using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A convolution followed by batch norm, run at inference as one convolution with the normalization folded into its
/// weights and bias (<see cref="BatchNorm2d.Fold"/>): one pass over the output instead of two, and no batch-norm output
/// buffer. The folded weights are recomputed on every call (Cout·K multiplications, small beside the convolution), so
/// they always follow the current weights and running statistics. <see cref="Sequential"/> uses it for every
/// conv → batch-norm pair when not training; the result equals the two layers' within float rounding.
/// </summary>
internal sealed class ConvBatchNormFolding(Conv2dLayer conv, BatchNorm2dLayer norm)
{
    private readonly Tensor _weight = new(conv.Weight.Value.Shape), _bias = new(conv.OutChannels);

    /// <summary>Whether <paramref name="first"/> → <paramref name="second"/> is a convolution into a batch norm of its channels.</summary>
    public static ConvBatchNormFolding? For(Layer first, Layer second) =>
        first is Conv2dLayer conv && second is BatchNorm2dLayer norm && norm.Channels == conv.OutChannels ? new(conv, norm) : null;

    public Tensor Forward(Tensor input)
    {
        BatchNorm2d.Fold(conv.Weight.Value.Span, conv.Bias is { } b ? b.Value.Span : [], norm.Gamma.Value.Span, norm.Beta.Value.Span,
            norm.RunningMean.Span, norm.RunningVariance.Span, norm.Epsilon, _weight.Span, _bias.Span);
        return conv.ForwardInference(input, _weight, _bias);
    }
}
