using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// [N, …] → [N, product of the rest] (torch.nn.Flatten), before a <see cref="DenseLayer"/>. Forward and backward
/// return views sharing the storage of their argument (no copy), as <see cref="Identity"/> returns its input;
/// a view is kept while its argument is the same tensor, so steady-state calls allocate nothing.
/// </summary>
public sealed class FlattenLayer(string name) : Layer(name)
{
    private Tensor? _input, _viewed, _view, _gradViewed, _gradView;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank < 2) throw BadInput(input, "[N, …] of rank ≥ 2");
        return new TensorShape(input[0], input.SizeFrom(1));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        if (!ReferenceEquals(input, _viewed))
        {
            OutputShape(input.Shape);
            (_viewed, _view) = (input, Flatten.Forward(input));
        }
        _input = training ? input : null;
        return _view!;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var shape = Saved(_input).Shape;
        if (!ReferenceEquals(gradOutput, _gradViewed) || _gradView!.Shape != shape)
            (_gradViewed, _gradView) = (gradOutput, Flatten.Backward(gradOutput, shape));
        return _gradView;
    }
}
