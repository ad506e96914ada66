using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Group normalization of [N, C, …] (torch.nn.GroupNorm, Wu &amp; He 2018): the channels of each sample split into
/// <see cref="Groups"/> groups of C/G, each normalized over its channels and positions, then scaled and shifted per channel.
/// Groups = C is instance normalization (ONNX InstanceNormalization), Groups = 1 normalizes each sample as a whole.
/// ONNX GroupNormalization of opsets 18 to 20 scales and shifts per group instead: <see cref="Channels"/> is then null.
/// </summary>
public sealed class GroupNormLayer : RowNormLayer
{
    /// <summary>Normalizes groups of channels/groups channels; γ and β per channel.</summary>
    public GroupNormLayer(string name, int groups, int channels, float epsilon = 1e-5f)
        : base(name, new TensorShape(Checked(groups, channels)), epsilon, bias: true)
    {
        (Groups, Channels) = (groups, channels);
    }

    private GroupNormLayer(string name, int groups, float epsilon) : base(name, new TensorShape(Checked(groups, groups)), epsilon, bias: true)
    {
        Groups = groups;
    }

    /// <summary>Normalizes <paramref name="groups"/> groups of channels, any number of channels; γ and β per group.</summary>
    public static GroupNormLayer PerGroup(string name, int groups, float epsilon = 1e-5f) => new(name, groups, epsilon);

    /// <summary>The number of channel groups normalized together.</summary>
    public int Groups { get; }

    /// <summary>The channels the layer takes, each with its own γ and β; null when γ and β are per group (any channel count).</summary>
    public int? Channels { get; }

    private protected override RowNorm RowsOf(TensorShape input)
    {
        int channels = input.Rank >= 2 ? input[1] : 0;
        if (input.Rank < 2 || (Channels is int c ? channels != c : channels % Groups != 0))
            throw BadInput(input, Channels is int expected ? $"[N, {expected}, …]" : $"[N, C, …] with C divisible by {Groups}");
        int positions = input.SizeFrom(2), length = channels / Groups * positions;
        return new RowNorm(length, Groups, Channels is null ? length : positions);
    }

    private static int Checked(int groups, int channels)
    {
        Require.Positive(groups, nameof(groups));
        Require.Positive(channels, nameof(channels));
        if (channels % groups != 0) throw new ArgumentException($"channels ({channels}) must be divisible by groups ({groups}).", nameof(groups));
        return channels;
    }
}
