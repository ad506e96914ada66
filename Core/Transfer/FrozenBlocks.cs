using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// Blocks that stay as they are while the rest of the network trains: they always run in inference mode (batch-norm
/// statistics do not move, dropout is off) and pass no gradient down (nothing below them trains).
/// </summary>
internal sealed class FrozenBlocks(string name, Layer[] blocks) : Layer(name)
{
    private readonly Sequential _blocks = new(name, blocks);
    private Tensor? _zero;

    public override IReadOnlyList<Layer> Children => [_blocks];
    public override TensorShape OutputShape(TensorShape input) => _blocks.OutputShape(input);

    public override Tensor Forward(Tensor input, bool training)
    {
        if (_zero is null || _zero.Shape != input.Shape) _zero = new Tensor(input.Shape);
        return _blocks.Forward(input, training: false);
    }

    public override Tensor Backward(Tensor gradOutput) => _zero!;
}
