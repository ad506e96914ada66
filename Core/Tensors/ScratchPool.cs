using System.Collections.Concurrent;
using System.Numerics;

namespace MLNet.Cnn.Tensors;

/// <summary>
/// Reusable 64-byte aligned float buffers for kernel scratch space (padded images, packed GEMM panels,
/// per-thread partial sums). Buffers are kept per power-of-two size class, so after the first call of a
/// given shape the hot path allocates nothing. Behind the requested length sit <see cref="GuardLength"/>
/// canary values that are checked when the buffer comes back: a kernel writing past its scratch fails
/// loudly instead of corrupting its neighbour.
/// </summary>
internal static class ScratchPool
{
    private const int SizeClasses = 32;
    internal const int GuardLength = 16;
    private static readonly float Canary = BitConverter.Int32BitsToSingle(0x7FC0_CAFE); // a NaN no kernel produces
    private static readonly ConcurrentBag<Tensor>[] Free =
        Enumerable.Range(0, SizeClasses).Select(_ => new ConcurrentBag<Tensor>()).ToArray();

    /// <summary>Rents a buffer of at least <paramref name="length"/> floats; its contents are undefined.</summary>
    public static ScratchBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        int sizeClass = BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)length));
        if (!Free[sizeClass].TryTake(out var tensor))
            tensor = new Tensor((1 << sizeClass) + GuardLength);
        tensor.Span.Slice(length, GuardLength).Fill(Canary);
        return new ScratchBuffer(tensor, sizeClass, length);
    }

    internal static void Return(Tensor tensor, int sizeClass, int length)
    {
        foreach (float value in tensor.Span.Slice(length, GuardLength))
            if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(Canary))
                throw new InvalidOperationException(
                    $"A kernel wrote past the end of a {length}-float scratch buffer (internal error).");
        Free[sizeClass].Add(tensor);
    }
}

/// <summary>
/// A rented scratch buffer; dispose it to give it back to <see cref="ScratchPool"/>. A <see cref="Borrowed"/> one lends a
/// tensor someone else keeps (disposing it does nothing).
/// </summary>
internal readonly unsafe struct ScratchBuffer : IDisposable
{
    private readonly Tensor _tensor;
    private readonly int _sizeClass;

    internal ScratchBuffer(Tensor tensor, int sizeClass, int length)
    {
        _tensor = tensor;
        _sizeClass = sizeClass;
        Length = length;
    }

    /// <summary>The first <paramref name="length"/> floats of <paramref name="tensor"/>, which stays its owner's.</summary>
    internal static ScratchBuffer Borrowed(Tensor tensor, int length) => new(tensor, BorrowedClass, length);

    /// <summary>The size class of a borrowed buffer: none, it never goes to the pool.</summary>
    private const int BorrowedClass = -1;

    public int Length { get; }
    public float* Pointer => _tensor.Pointer;
    public Span<float> Span => _tensor.Span[..Length];

    /// <summary>Returns the buffer to the pool; a default (never rented) or borrowed buffer does nothing.</summary>
    public void Dispose()
    {
        if (_tensor is not null && _sizeClass != BorrowedClass) ScratchPool.Return(_tensor, _sizeClass, Length);
    }
}
