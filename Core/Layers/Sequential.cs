using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Layers applied one after the other; backward runs them in reverse. At inference a convolution followed by batch
/// norm, an activation or both runs as one convolution with the normalization folded in and the activation applied by
/// its kernel (<see cref="FusedConvolution"/>), and a residual block followed by an activation adds its skip connection and
/// applies the activation in the epilogue of its body's last convolution (<see cref="Residual"/>); an activation that
/// needs only its output for backward runs in place over the output of a convolution, batch norm or residual block before
/// it. Backward gives each gradient buffer back once it is used (<see cref="GradientBuffers"/>).
/// </summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    /// <summary>Per position: the inference fusion of the convolution there with the layers after it, if any.</summary>
    private readonly FusedConvolution?[] _fused;

    /// <summary>Per position: whether the activation there runs in place over the previous layer's output.</summary>
    private readonly bool[] _inPlace;

    /// <summary>Per position: whether the residual block there takes the activation after it into its inference pass.</summary>
    private readonly bool[] _activationAfterResidual;

    /// <summary>The last convolution (and its batch norm) when this is the body of a residual block: see <c>Infer</c>.</summary>
    private readonly FusedConvolution? _tail;

    private Tensor? _outputPlanes;   // the inference output turned from channel blocks into planes

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="layers">The layers, applied in this order.</param>
    public Sequential(string name, params Layer[] layers) : base(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException($"Sequential '{name}' needs at least one layer.", nameof(layers));
        var duplicate = layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Sequential '{name}' has two layers named '{duplicate.Key}'.", nameof(layers));
        _layers = layers;
        _fused = [.. layers.Select((_, i) => FusedConvolution.At(layers, i))];
        _inPlace = [.. layers.Select((layer, i) => i > 0 && layer is ActivationLayer activation && activation.CanRunInPlaceAfter(layers[i - 1]))];
        _activationAfterResidual = [.. layers.Select((layer, i) => layer is Residual && i + 1 < layers.Length && layers[i + 1] is ActivationLayer)];
        _tail = FusedConvolution.Tail(layers);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Children => _layers;

    /// <inheritdoc/>
    public override bool InputGradientNeeded
    {
        get => _layers[0].InputGradientNeeded;
        set => _layers[0].InputGradientNeeded = value;
    }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        foreach (var layer in _layers) input = layer.OutputShape(input);
        return input;
    }

    /// <summary>
    /// Whether inference keeps the channel blocks convolutions write (<see cref="Kernels.ChannelBlocks"/>) between the layers that
    /// run on them, instead of turning every convolution's output back into planes. Tests switch it off to compare.
    /// </summary>
    internal static bool InferOnChannelBlocks { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training) =>
        training ? Run(input) : Infer(InferenceValue.Of(input)).ToPlanes(ref _outputPlanes);

    internal override InferenceValue Infer(InferenceValue input) => Infer(input, _layers.Length);

    /// <summary>
    /// Whether this ends in a convolution (with or without batch norm), directly or as the end of a last layer that is itself
    /// a sequence (MobileNet's and EfficientNet's blocks end in a "project" sequence of convolution and batch norm).
    /// </summary>
    internal bool EndsInConvolution => _tail is not null || (_layers[^1] is Sequential last && last.EndsInConvolution);

    /// <summary>
    /// The inference pass of a residual block's body: after(body(x) + addend), the addition and the activation done by the
    /// epilogue of the body's last convolution; null when the body does not end in a convolution (<see cref="EndsInConvolution"/>).
    /// </summary>
    internal InferenceValue? InferBody(InferenceValue input, InferenceValue addend, Activation? after)
    {
        if (_tail is not null) return _tail.Infer(Infer(input, _layers.Length - _tail.Length), addend, after);
        if (!EndsInConvolution) return null;
        return ((Sequential)_layers[^1]).InferBody(Infer(input, _layers.Length - 1), addend, after);
    }

    /// <summary>Layers [0, end) at inference, fused where <see cref="Sequential"/> says.</summary>
    private InferenceValue Infer(InferenceValue value, int end)
    {
        for (int i = 0; i < end; i++)
        {
            if (_fused[i] is { } fused)
            {
                value = fused.Infer(value, addend: null, after: null);
                i += fused.Length - 1;   // the batch norm and activation after the convolution ran inside it
            }
            else if (_layers[i] is Residual residual)
            {
                bool withActivation = _activationAfterResidual[i];
                value = residual.Infer(value, withActivation ? ((ActivationLayer)_layers[i + 1]).Activation : null);
                if (withActivation) i++;   // the activation ran inside the block
            }
            else if (_inPlace[i])
                value = ((ActivationLayer)_layers[i]).InferInPlace(value);
            else
                value = _layers[i].Infer(value);
        }
        return value;
    }

    /// <summary>The training forward pass.</summary>
    private Tensor Run(Tensor input)
    {
        for (int i = 0; i < _layers.Length; i++)
            input = _inPlace[i] ? ((ActivationLayer)_layers[i]).ForwardInPlace(input, training: true) : _layers[i].Forward(input, training: true);
        return input;
    }

    /// <summary>Runs the layers' backward passes in reverse, giving back each gradient buffer once the layer before has used it.</summary>
    public override Tensor Backward(Tensor gradOutput)
    {
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var gradInput = _layers[i].Backward(gradOutput);
            if (i + 1 < _layers.Length) Consumed(_layers[i + 1], gradOutput, gradInput);
            gradOutput = gradInput;
        }
        return gradOutput;
    }

    internal override void ReleaseGradInput() => _layers[0].ReleaseGradInput();
}
