using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A convolution with the batch norm and the activation that follow it, run at inference as one kernel call:
/// conv → [batch norm of its channels] → [point-wise activation], the pattern of every ResNet, MobileNet and EfficientNet
/// block. The batch norm is folded into the weights and bias (<see cref="BatchNorm2d.FoldScales"/>: w′ = a·w,
/// b′ = a·(b − μ) + β, a = γ/√(σ² + ε)), recomputed on every call so it always follows the current weights and running
/// statistics; the kernel multiplies each output channel's weights by a as it packs them, so w′ is never written out
/// (a 512-channel 3×3 layer has 9.4 MB of weights). The activation is applied by the convolution kernel to each piece of
/// output it has just written, while that is still in cache. One pass over the output instead of three, and no
/// batch-norm or activation output buffers. <see cref="Sequential"/> uses it when not
/// training; the result equals the layers' one by one within float rounding.
/// </summary>
internal sealed class FusedConvolution
{
    private readonly Conv2dLayer _conv;
    private readonly BatchNorm2dLayer? _norm;
    private readonly Activation? _activation;
    private readonly Tensor? _scale, _bias;
    private Tensor? _inputBuffer, _addendBuffer;   // an input or addend turned into the layout the kernel takes

    private FusedConvolution(Conv2dLayer conv, BatchNorm2dLayer? norm, Activation? activation)
    {
        (_conv, _norm, _activation) = (conv, norm, activation);
        if (norm is null) return;
        _scale = new Tensor(conv.OutChannels);
        _bias = new Tensor(conv.OutChannels);
    }

    /// <summary>How many layers from the convolution on this fusion replaces (1 to 3).</summary>
    public int Length => 1 + (_norm is null ? 0 : 1) + (_activation is null ? 0 : 1);

    /// <summary>
    /// The fusion of the layers from <paramref name="start"/> on, when they are a convolution followed by a batch norm
    /// of its channels, an activation, or both in that order; null otherwise.
    /// </summary>
    public static FusedConvolution? At(IReadOnlyList<Layer> layers, int start)
    {
        if (layers[start] is not Conv2dLayer conv) return null;
        int next = start + 1;
        var norm = next < layers.Count && layers[next] is BatchNorm2dLayer bn && bn.Channels == conv.OutChannels ? bn : null;
        if (norm is not null) next++;
        var activation = next < layers.Count && layers[next] is ActivationLayer act ? act.Activation : null;
        return norm is null && activation is null ? null : new(conv, norm, activation);
    }

    /// <summary>
    /// The fusion that ends the body of a residual block: its last convolution, with the batch norm after it if any, and no
    /// activation (the block adds its skip connection before any activation); null when the layers end otherwise.
    /// </summary>
    public static FusedConvolution? Tail(IReadOnlyList<Layer> layers)
    {
        int n = layers.Count;
        if (layers[n - 1] is Conv2dLayer last) return new(last, null, null);
        return n >= 2 && layers[n - 2] is Conv2dLayer conv && layers[n - 1] is BatchNorm2dLayer bn && bn.Channels == conv.OutChannels
            ? new(conv, bn, null)
            : null;
    }

    /// <summary>
    /// y = after(fusion(x) + addend) at inference: the skip connection of a residual block and the activation after the block,
    /// added and applied by the convolution's kernel (an addend and an after only for a fusion without an activation of its
    /// own, see <see cref="Tail"/>). Channel blocks out when the convolution has a channel-blocked kernel (the addend turned
    /// into channel blocks if it came as planes), planes otherwise.
    /// </summary>
    public InferenceValue Infer(InferenceValue input, InferenceValue? addend, Activation? after)
    {
        var activation = _activation ?? after;
        var (bias, scale) = (_conv.Bias?.Value, (Tensor?)null);
        if (_norm is not null)
        {
            BatchNorm2d.FoldScales(_conv.Bias is { } b ? b.Value.Span : [], _norm.Gamma.Value.Span, _norm.Beta.Value.Span,
                _norm.RunningMean.Span, _norm.RunningVariance.Span, _norm.Epsilon, _scale!.Span, _bias!.Span);
            (bias, scale) = (_bias, _scale);
        }
        if (_conv.InfersToBlocks(input))
            return InferenceValue.Of(_conv.InferToBlocks(input, bias, new ConvEpilogue(scale, addend?.ToBlocks(ref _addendBuffer).Data, activation)));
        var planes = input.ToPlanes(ref _inputBuffer);
        return InferenceValue.Of(_conv.ForwardInference(planes, bias, new ConvEpilogue(scale, addend?.ToPlanes(ref _addendBuffer), activation)));
    }
}
