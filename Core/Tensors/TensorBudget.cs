namespace MLNet.Cnn.Tensors;

/// <summary>
/// A limit on the floats that the tensors created on this thread may take while it is open. A file reader builds layers
/// from sizes the file declares (a channel count, a kernel size) before it can compare their tensors with the data the
/// file holds; with a budget, a damaged size is refused before its array is allocated, not after gigabytes were taken.
/// <see cref="Tensor"/>'s constructor charges it; past the limit it throws an <see cref="InvalidDataException"/>, which
/// the reader reports with the file's name.
/// </summary>
internal sealed class TensorBudget : IDisposable
{
    [ThreadStatic] private static TensorBudget? t_open;
    private readonly TensorBudget? _outer;
    private readonly long _limit;
    private long _left;

    private TensorBudget(long floats)
    {
        _outer = t_open;
        _limit = _left = floats;
        t_open = this;
    }

    /// <summary>Opens a budget of <paramref name="floats"/> on this thread, until disposed.</summary>
    public static TensorBudget Open(long floats) => new(floats);

    /// <summary>Takes <paramref name="floats"/> from the open budget, if any; throws before the allocation that would pass it.</summary>
    public static void Charge(long floats)
    {
        if (t_open is not { } budget) return;
        if (floats > budget._left)
            throw new InvalidDataException($"its layers would take more than the {budget._limit} floats its data allows (a tensor of {floats} floats with {budget._left} left).");
        budget._left -= floats;
    }

    public void Dispose() => t_open = _outer;
}
