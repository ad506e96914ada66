using System.Runtime.CompilerServices;

namespace MLNet.Cnn.Tensors;

/// <summary>
/// A dense float32 tensor in row-major order (NCHW for images). The storage is a pinned array whose first
/// element sits on a 64-byte boundary, so kernels may take its address and use aligned vector loads.
/// <see cref="Reshape"/> returns a view that shares the storage.
/// </summary>
public sealed unsafe class Tensor
{
    internal const int AlignmentBytes = 64;
    private const int AlignmentFloats = AlignmentBytes / sizeof(float);

    private readonly float[] _storage;
    private readonly int _offset;

    /// <summary>A zero-filled tensor of <paramref name="shape"/>.</summary>
    public Tensor(TensorShape shape)
    {
        Shape = shape;
        TensorBudget.Charge(shape.Length);
        // Pinned on the pinned object heap: the address never moves, so Pointer stays valid.
        _storage = GC.AllocateArray<float>(shape.Length + AlignmentFloats, pinned: true);
        _offset = AlignedOffset(_storage);
    }

    /// <summary>A zero-filled tensor of the dimensions <paramref name="dims"/>, outermost first.</summary>
    public Tensor(params int[] dims) : this(new TensorShape(dims)) { }

    private Tensor(float[] storage, int offset, TensorShape shape)
    {
        _storage = storage;
        _offset = offset;
        Shape = shape;
    }

    /// <summary>Whether this tensor and <paramref name="other"/> are views of the same storage (one may be a reshape of the other).</summary>
    internal bool SharesStorageWith(Tensor other) => ReferenceEquals(_storage, other._storage);

    /// <summary>A new tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(float[] values, params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var shape = new TensorShape(dims);
        if (values.Length != shape.Length)
            throw new ArgumentException(
                $"Shape {shape} holds {shape.Length} values but {values.Length} were given.", nameof(values));
        var tensor = new Tensor(shape);
        values.CopyTo(tensor.Span);
        return tensor;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public TensorShape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>The elements in row-major order, read and written in place.</summary>
    public Span<float> Span => _storage.AsSpan(_offset, Shape.Length);

    /// <summary>Address of the first element; valid for the tensor's lifetime (the storage is pinned).</summary>
    internal float* Pointer => (float*)Unsafe.AsPointer(ref _storage[_offset]);

    /// <summary>The element at (<paramref name="n"/>, <paramref name="c"/>, <paramref name="h"/>, <paramref name="w"/>) of a rank-4 [N, C, H, W] tensor; indices are not checked against the dimensions beyond the storage.</summary>
    public ref float this[int n, int c, int h, int w]
    {
        get
        {
            int index = ((n * Shape[1] + c) * Shape[2] + h) * Shape[3] + w;
            return ref _storage[_offset + index];
        }
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Sets every element to 0.</summary>
    public void Clear() => Span.Clear();

    /// <summary>A view with another shape of the same length, sharing this tensor's storage.</summary>
    public Tensor Reshape(params int[] dims)
    {
        var shape = new TensorShape(dims);
        if (shape.Length != Shape.Length)
            throw new ArgumentException(
                $"Cannot reshape {Shape} ({Shape.Length} values) to {shape} ({shape.Length} values).", nameof(dims));
        return new Tensor(_storage, _offset, shape);
    }

    private static int AlignedOffset(float[] pinnedArray)
    {
        nint address = (nint)Unsafe.AsPointer(ref pinnedArray[0]);
        int misalignment = (int)(address % AlignmentBytes);
        return misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{Shape}";
}
