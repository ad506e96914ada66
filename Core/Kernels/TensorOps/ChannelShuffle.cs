using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// ShuffleNet's channel shuffle: the C channels, viewed as [groups, C/groups], are transposed to
/// [C/groups, groups], so channel g·(C/groups) + k moves to k·groups + g. Backward is the inverse permutation,
/// which is the shuffle with C/groups groups. Both copy whole planes (one (n, c) = the trailing dims).
/// </summary>
internal static class ChannelShuffle
{
    // x, y [N, C, …] (C divisible by groups; y separate from x):
    //   y[n, k·groups + g, …] = x[n, g·(C/groups) + k, …],   0 ≤ g < groups, 0 ≤ k < C/groups
    public static void Forward(Tensor x, Tensor y, int groups)
    {
        Check(x, y, groups, nameof(x), nameof(y));
        Permute(x, y, groups);
    }

    // dy, dx [N, C, …]:  dx[n, g·(C/groups) + k, …] = dy[n, k·groups + g, …]
    public static void Backward(Tensor dy, Tensor dx, int groups)
    {
        Check(dy, dx, groups, nameof(dy), nameof(dx));
        Permute(dy, dx, dy.Shape[1] / groups);
    }

    /// <summary>destination channel k·groups + g ← source channel g·(C/groups) + k, for every n.</summary>
    private static void Permute(Tensor source, Tensor destination, int groups)
    {
        int batch = source.Shape[0], channels = source.Shape[1], perGroup = channels / groups;
        int plane = source.Shape.SizeFrom(2);
        var src = source.Span;
        var dst = destination.Span;
        for (int n = 0; n < batch; n++)
            for (int g = 0; g < groups; g++)
                for (int k = 0; k < perGroup; k++)
                    src.Slice(((n * channels) + g * perGroup + k) * plane, plane)
                        .CopyTo(dst.Slice(((n * channels) + k * groups + g) * plane, plane));
    }

    private static void Check(Tensor source, Tensor destination, int groups, string sourceName, string destinationName)
    {
        ArgumentNullException.ThrowIfNull(source, sourceName);
        if (source.Shape.Rank < 2)
            throw new ArgumentException($"{sourceName} must have rank ≥ 2 [N, C, …]; its shape is {source.Shape}.", sourceName);
        Require.SameShape(destination, source, destinationName, sourceName);
        Require.Distinct(destination, source, destinationName, sourceName);
        Require.Positive(groups, nameof(groups));
        if (source.Shape[1] % groups != 0)
            throw new ArgumentException(
                $"groups ({groups}) must divide the channels of {sourceName} ({source.Shape}).", nameof(groups));
    }
}
