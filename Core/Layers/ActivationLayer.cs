using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A point-wise activation (ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, HardSigmoid, HardSwish, SiLU, the exponential linear
/// units, Softplus, …, and the element-wise functions ONNX graphs use: Exp, Log, Sqrt, Erf, …) on a tensor of any shape.
/// Training keeps the input or the output, whichever <see cref="Kernels.Activation.BackwardUses"/> names.
/// </summary>
public sealed class ActivationLayer : Layer
{
    private Tensor? _saved;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="activation">The function applied to every element, e.g. <c>new ReLU()</c>.</param>
    public ActivationLayer(string name, Activation activation) : base(name) =>
        Activation = activation ?? throw new ArgumentNullException(nameof(activation));

    /// <summary>The kernel, with its own hyper-parameters (LeakyReLU's slope, HardSigmoid's α and β).</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => input;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBuffer(input.Shape);
        Activation.Forward(input, output);
        _saved = !training ? null : Activation.BackwardUses == SavedTensor.Input ? input : output;
        return output;
    }

    /// <summary>
    /// The forward pass written over <paramref name="input"/>, for <see cref="Sequential"/> when the input is the previous
    /// layer's own output buffer and nothing reads it again (<see cref="CanRunInPlaceAfter"/>): one activation-sized buffer
    /// less in training, as PyTorch's ReLU(inplace=True).
    /// </summary>
    internal Tensor ForwardInPlace(Tensor input, bool training)
    {
        Activation.ForwardInPlace(input);
        _saved = training ? input : null;
        return input;
    }

    /// <summary>Inference on channel blocks stays on channel blocks: the activation is element-wise, whatever the layout.</summary>
    internal override InferenceValue Infer(InferenceValue input)
    {
        if (input.Blocks is not { } blocks) return InferenceValue.Of(Forward(input.Planes!, training: false));
        var output = OutputBlocks(blocks.PlanesShape);
        Activation.Forward(blocks.Data, output.Data);
        return InferenceValue.Of(output);
    }

    /// <summary><see cref="ForwardInPlace"/> at inference, on planes or channel blocks.</summary>
    internal InferenceValue InferInPlace(InferenceValue input)
    {
        if (input.Blocks is { } blocks) Activation.ForwardInPlace(blocks.Data);
        else ForwardInPlace(input.Planes!, training: false);
        return input;
    }

    /// <summary>
    /// Whether this activation may overwrite the output of <paramref name="previous"/>: its backward pass needs its own output
    /// only (ReLU, ReLU6, Sigmoid …), and the previous layer's backward pass does not read its output (a convolution, batch
    /// norm or residual block keeps its input or nothing).
    /// </summary>
    internal bool CanRunInPlaceAfter(Layer previous) => InPlaceAllowed &&
        Activation.BackwardUses == SavedTensor.Output && previous is Conv2dLayer or BatchNorm2dLayer or Residual;

    /// <summary>Tests turn in-place activations off (for networks built afterwards) to check they change no result.</summary>
    internal static bool InPlaceAllowed { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var saved = Saved(_saved);
        var gradInput = GradInputBuffer(saved.Shape);
        Activation.Backward(saved, gradOutput, gradInput);
        return gradInput;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Activation})";
}
