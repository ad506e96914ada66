using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A point-wise activation (ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, HardSigmoid, HardSwish, SiLU) on a tensor of
/// any shape. Training keeps the input or the output, whichever <see cref="Kernels.Activation.BackwardUses"/> names.
/// </summary>
public sealed class ActivationLayer : Layer
{
    private Tensor? _saved;

    public ActivationLayer(string name, Activation activation) : base(name) =>
        Activation = activation ?? throw new ArgumentNullException(nameof(activation));

    /// <summary>The kernel, with its own hyper-parameters (LeakyReLU's slope, HardSigmoid's α and β).</summary>
    public Activation Activation { get; }

    public override TensorShape OutputShape(TensorShape input) => input;

    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBuffer(input.Shape);
        Activation.Forward(input, output);
        _saved = !training ? null : Activation.BackwardUses == SavedTensor.Input ? input : output;
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var saved = Saved(_saved);
        var gradInput = GradInputBuffer(saved.Shape);
        Activation.Backward(saved, gradOutput, gradInput);
        return gradInput;
    }

    public override string ToString() => $"{Name} ({Activation})";
}
