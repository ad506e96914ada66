using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// A float vector of one hardware width, so a kernel can be written once as a generic method and run at
/// 512 or 256 bits (the JIT compiles one specialised copy per struct, with no abstraction cost).
/// </summary>
internal unsafe interface IFloatVector<TSelf> where TSelf : struct, IFloatVector<TSelf>
{
    static abstract int Count { get; }
    static abstract TSelf Load(float* source);
    static abstract TSelf Broadcast(float value);

    /// <summary>a·b + c, fused.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>
    /// The max pool's running maximum (<see cref="MaxPool2dReference"/>): per lane, <paramref name="candidate"/> where it is greater
    /// than <paramref name="best"/> or is NaN where best is not, else best — over a window in order, the first NaN, else the first maximum.
    /// </summary>
    static abstract TSelf MaxKeepingFirstNaN(TSelf candidate, TSelf best);

    void Store(float* destination);
}

internal readonly unsafe struct Float512(Vector512<float> value) : IFloatVector<Float512>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 MultiplyAdd(Float512 a, Float512 b, Float512 c) => new(Vector512.FusedMultiplyAdd(a._value, b._value, c._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float512 Add(Float512 a, Float512 b) => new(a._value + b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 MaxKeepingFirstNaN(Float512 candidate, Float512 best) => new(Vector512.ConditionalSelect(
        Vector512.GreaterThan(candidate._value, best._value) | Vector512.AndNot(Vector512.IsNaN(candidate._value), Vector512.IsNaN(best._value)),
        candidate._value, best._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => _value.Store(destination);
    private readonly Vector512<float> _value = value;
}

internal readonly unsafe struct Float256(Vector256<float> value) : IFloatVector<Float256>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float256 Broadcast(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 MultiplyAdd(Float256 a, Float256 b, Float256 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float256 Add(Float256 a, Float256 b) => new(a._value + b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 MaxKeepingFirstNaN(Float256 candidate, Float256 best) => new(Vector256.ConditionalSelect(
        Vector256.GreaterThan(candidate._value, best._value) | Vector256.AndNot(Vector256.IsNaN(candidate._value), Vector256.IsNaN(best._value)),
        candidate._value, best._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => _value.Store(destination);
    private readonly Vector256<float> _value = value;
}
