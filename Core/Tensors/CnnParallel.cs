namespace MLNet.Cnn.Tensors;

/// <summary>
/// The one place kernels get their threads from. Work is split over tiles or batch items with
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>, bounded by
/// <see cref="MaxDegreeOfParallelism"/>.
/// </summary>
public static class CnnParallel
{
    private static int _maxDegree = Environment.ProcessorCount;

    /// <summary>Upper bound on the threads a kernel uses; defaults to the processor count.</summary>
    public static int MaxDegreeOfParallelism
    {
        get => _maxDegree;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxDegreeOfParallelism));
            _maxDegree = value;
        }
    }

    /// <summary>Threads a kernel splits its work into: the configured bound, at most one per processor.</summary>
    public static int Threads => Math.Min(_maxDegree, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="body"/> for 0 ≤ i &lt; count, inline when one thread suffices.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || _maxDegree == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _maxDegree }, body);
    }
}
