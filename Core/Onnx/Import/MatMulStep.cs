using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// MatMul as NumPy's matmul, of two computed values or a computed value and a constant: a [… , M, K] · b [… , K, N] =
/// y [… , M, N], one product per index of the batch axes, which broadcast (<see cref="Broadcasting"/>); a 1-D a is a row
/// [1, K] and a 1-D b a column [K, 1], whose axis the result then drops. Backward, per batch index:
/// ∂L/∂a = ∂L/∂y·bᵀ, ∂L/∂b = aᵀ·∂L/∂y, summed over the batch indices an operand was broadcast along. A constant is not
/// trained (a 2-D constant b is imported as a dense layer instead, which is).
/// </summary>
internal sealed unsafe class MatMulStep : OnnxStep
{
    private readonly OnnxOperand[] _operands;
    private readonly Tensor?[] _constants;
    private Tensor? _output, _a, _b, _gradA, _gradB;
    private int[] _shapeA = [], _shapeB = [];
    private (int M, int K, int N, int[] Result, int[] OffsetsA, int[] OffsetsB) _plan;

    public MatMulStep(string node, OnnxOperand a, OnnxOperand b, string output) : base(node, OnnxOperand.ComputedOf([a, b]), output)
    {
        _operands = [a, b];
        _constants = _operands.Select(o => o.Computed is null ? Tensor.FromArray(o.Constant, o.ConstantDims) : null).ToArray();
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var (a, b) = (Operand(values, 0), Operand(values, 1));
        var (m, k, n, result, offsetsA, offsetsB) = Plan(a.Shape.Dimensions.ToArray(), b.Shape.Dimensions.ToArray());
        var shape = new TensorShape(result);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        for (int i = 0; i < offsetsA.Length; i++)
            Gemm.Multiply(m, n, k, a.Pointer + (long)offsetsA[i] * m * k, k, 1, b.Pointer + (long)offsetsB[i] * k * n, n, 1,
                _output.Pointer + (long)i * m * n, n, accumulate: false);
        (_a, _b) = training ? (a, b) : (null, null);
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values)
    {
        int[] Dims(int i) => _operands[i].Computed is { } c ? values.ShapeOf(c).Dimensions.ToArray() : _operands[i].ConstantDims;
        values.SetShape(Output, new TensorShape(Plan(Dims(0), Dims(1)).Result));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var (a, b) = (_a ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first."), _b!);
        var (m, k, n, _, offsetsA, offsetsB) = _plan;
        if (_operands[0].Computed is { } nameA)
        {
            var da = Buffer(ref _gradA, a.Shape);
            for (int i = 0; i < offsetsA.Length; i++) // dA (M×K) += dY (M×N) · Bᵀ, Bᵀ(p, j) = b[j·N + p]
                Gemm.Multiply(m, k, n, dy.Pointer + (long)i * m * n, n, 1, b.Pointer + (long)offsetsB[i] * k * n, 1, n,
                    da.Pointer + (long)offsetsA[i] * m * k, k, accumulate: true);
            gradients.Accumulate(nameA, da);
        }
        if (_operands[1].Computed is { } nameB)
        {
            var db = Buffer(ref _gradB, b.Shape);
            for (int i = 0; i < offsetsB.Length; i++) // dB (K×N) += Aᵀ (K×M) · dY (M×N), Aᵀ(p, j) = a[j·K + p]
                Gemm.Multiply(k, n, m, a.Pointer + (long)offsetsA[i] * m * k, 1, k, dy.Pointer + (long)i * m * n, n, 1,
                    db.Pointer + (long)offsetsB[i] * k * n, n, accumulate: true);
            gradients.Accumulate(nameB, db);
        }
    }

    private Tensor Operand(OnnxValues values, int i) => _operands[i].Computed is { } c ? values.Tensor(c) : _constants[i]!;

    private static Tensor Buffer(ref Tensor? buffer, TensorShape shape)
    {
        if (buffer is null || buffer.Shape != shape) buffer = new Tensor(shape);
        buffer.Clear();
        return buffer;
    }

    /// <summary>M, K, N, the result's dims, and for each batch index of the result the index of a's and b's matrix it multiplies.</summary>
    private (int M, int K, int N, int[] Result, int[] OffsetsA, int[] OffsetsB) Plan(int[] a, int[] b)
    {
        if (_plan.Result is not null && a.SequenceEqual(_shapeA) && b.SequenceEqual(_shapeB)) return _plan;
        if (a.Length == 1 && b.Length == 1)
            throw new NotSupportedException($"ONNX node '{Node}' (op MatMul): the product of two vectors is a scalar, which the core's tensors (of one axis at least) cannot hold.");
        int[] matA = a.Length == 1 ? [1, a[0]] : a, matB = b.Length == 1 ? [b[0], 1] : b;
        int m = matA[^2], k = matA[^1], n = matB[^1];
        if (matB[^2] != k)
            throw new NotSupportedException($"ONNX node '{Node}' (op MatMul): {Broadcasting.Format(a)} · {Broadcasting.Format(b)}: the inner dims differ.");
        int[] batchA = matA[..^2], batchB = matB[..^2];
        var batch = Broadcasting.Shape(Node, "MatMul", batchA, batchB);
        var walk = new TensorShape(batch.Length == 0 ? [1] : batch);
        int[] Offsets(int[] of) => batch.Length == 0 ? [0] : StridedOffsets.Of(walk, Broadcasting.Strides(of, batch), 0);
        int[] result = [.. batch, .. a.Length > 1 ? [m] : Array.Empty<int>(), .. b.Length > 1 ? [n] : Array.Empty<int>()];
        (_shapeA, _shapeB) = (a, b);
        return _plan = (m, k, n, result, Offsets(batchA), Offsets(batchB));
    }
}
