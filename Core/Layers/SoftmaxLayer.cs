using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Softmax (or, with <see cref="Log"/>, log-softmax) over one axis: the class axis 1 of [N, C] logits or of
/// [N, C, H, W] pixel-wise logits by default; a negative axis counts from the end. For inference heads that must
/// output probabilities; training usually feeds logits to a cross-entropy loss instead. Backward uses the output.
/// </summary>
public sealed class SoftmaxLayer(string name, int axis = 1, bool log = false) : Layer(name)
{
    private Tensor? _output;

    /// <summary>The axis normalized over; negative counts from the end.</summary>
    public int Axis { get; } = axis;
    /// <summary>True for log-softmax.</summary>
    public bool Log { get; } = log;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (Axis < -input.Rank || Axis >= input.Rank) throw BadInput(input, $"a tensor with an axis {Axis}");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        if (Log) LogSoftmax.Forward(input, output, Axis);
        else Softmax.Forward(input, output, Axis);
        _output = training ? output : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var output = Saved(_output);
        var gradInput = GradInputBuffer(output.Shape);
        if (Log) LogSoftmax.Backward(output, gradOutput, gradInput, Axis);
        else Softmax.Backward(output, gradOutput, gradInput, Axis);
        return gradInput;
    }
}
