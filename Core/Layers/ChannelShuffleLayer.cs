using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// ShuffleNet's channel shuffle (torch.nn.ChannelShuffle): the channels of [N, C, …], seen as [groups, C/groups],
/// are transposed, so the next grouped convolution sees channels from every group.
/// </summary>
public sealed class ChannelShuffleLayer : Layer
{
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="groups">The number of groups; the input's channels must be divisible by it.</param>
    public ChannelShuffleLayer(string name, int groups) : base(name)
    {
        Require.Positive(groups, nameof(groups));
        Groups = groups;
    }

    /// <summary>The number of channel groups shuffled.</summary>
    public int Groups { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank < 2 || input[1] % Groups != 0) throw BadInput(input, $"[N, C, …] with C a multiple of {Groups} groups");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        ChannelShuffle.Forward(input, output, Groups);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = GradInputBuffer(Saved(_input).Shape);
        ChannelShuffle.Backward(gradOutput, gradInput, Groups);
        return gradInput;
    }
}
