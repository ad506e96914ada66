namespace MLNet.Cnn.Pruning;

/// <summary>
/// Which weights of a group to prune: of its n weights, exactly k = round(s·n) (half to even: PyTorch's count,
/// Python's round), those of smallest |w|. Weights the group's masks already prune rank below all others, so a growing
/// sparsity never revives one. Ties at the threshold go to the earlier weight (the group's order, then row-major
/// index), so that exactly k are pruned and every run prunes the same ones.
/// </summary>
internal static class MagnitudeSelection
{
    public static void Prune(IReadOnlyList<WeightMask> group, double sparsity)
    {
        int n = checked(group.Sum(m => m.Length));
        long k = (long)Math.Round(sparsity * n, MidpointRounding.ToEven);
        var keys = new float[n];
        int offset = 0;
        foreach (var mask in group)
        {
            mask.Keys(keys.AsSpan(offset, mask.Length));
            offset += mask.Length;
        }

        // The k-th smallest key is the threshold: the keys below it are all pruned, and enough of those equal to it to make k.
        float threshold = float.NegativeInfinity;
        long ties = 0;
        if (k > 0)
        {
            var sorted = keys.ToArray();
            Array.Sort(sorted);
            threshold = sorted[k - 1];
            ties = k - sorted.AsSpan(0, (int)k).IndexOf(threshold);
        }
        offset = 0;
        foreach (var mask in group)
        {
            mask.Select(keys.AsSpan(offset, mask.Length), threshold, ref ties);
            offset += mask.Length;
        }
    }
}
