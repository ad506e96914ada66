namespace MLNet.Cnn.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first. Image tensors are NCHW: [batch, channels, height, width].
/// Immutable; compares by value.
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dims;

    /// <summary>A shape of the given dimensions, outermost first.</summary>
    /// <exception cref="ArgumentException">No dimension, a dimension ≤ 0, or more elements than an array holds.</exception>
    public TensorShape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0)
            throw new ArgumentException("A tensor shape needs at least one dimension.", nameof(dims));
        long length = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] <= 0)
                throw new ArgumentException(
                    $"Dimension {i} of shape {Format(dims)} is {dims[i]}; every dimension must be positive.", nameof(dims));
            length *= dims[i];
            if (length > Array.MaxLength)
                throw new ArgumentException($"Shape {Format(dims)} has more elements than an array can hold.", nameof(dims));
        }
        _dims = (int[])dims.Clone();
        Length = (int)length;
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Number of elements: the product of the dimensions.</summary>
    public int Length { get; }

    /// <summary>The size of dimension <paramref name="axis"/> (0 outermost).</summary>
    public int this[int axis] => _dims[axis];

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Dimensions => _dims;

    /// <summary>Product of the dimensions from <paramref name="axis"/> to the last one.</summary>
    public int SizeFrom(int axis)
    {
        int size = 1;
        for (int i = axis; i < _dims.Length; i++) size *= _dims[i];
        return size;
    }

    /// <summary>Equal when both have the same dimensions in the same order.</summary>
    public bool Equals(TensorShape other) => _dims.AsSpan().SequenceEqual(other._dims);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);
    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dims) hash.Add(d);
        return hash.ToHashCode();
    }
    /// <summary>Equal when both have the same dimensions in the same order.</summary>
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);
    /// <summary>Different when the dimensions differ.</summary>
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);

    /// <inheritdoc/>
    public override string ToString() => Format(_dims);

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
