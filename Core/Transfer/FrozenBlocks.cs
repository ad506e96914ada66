using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// Blocks that stay as they are while the rest of the network trains: they always run in inference mode (batch-norm
/// statistics do not move, dropout is off) and pass no gradient down (nothing below them trains). With
/// <see cref="BehaveAsInference"/> (gradients at inference, <see cref="InferenceGradients"/>) backward differentiates
/// through them instead.
/// </summary>
internal sealed class FrozenBlocks(string name, Layer[] blocks) : Layer(name), IInferenceBehaviour
{
    private readonly Sequential _blocks = new(name, blocks);
    private Tensor? _zero;
    private bool _differentiated; // whether the last training pass ran the blocks for a backward through them

    public override IReadOnlyList<Layer> Children => [_blocks];
    public override TensorShape OutputShape(TensorShape input) => _blocks.OutputShape(input);

    public bool BehaveAsInference { get; set; }

    public override Tensor Forward(Tensor input, bool training)
    {
        _differentiated = training && BehaveAsInference;
        if (_differentiated)
            using (InferenceGradients.Enable(_blocks))
                return _blocks.Forward(input, training: true);
        if (_zero is null || _zero.Shape != input.Shape) _zero = new Tensor(input.Shape);
        return _blocks.Forward(input, training: false);
    }

    public override Tensor Backward(Tensor gradOutput) => _differentiated ? _blocks.Backward(gradOutput) : _zero!;

    internal override void ReleaseGradInput()
    {
        if (_differentiated) _blocks.ReleaseGradInput();
    }
}
