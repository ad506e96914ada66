using System.Buffers;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// An element-wise op of operands under ONNX's multidirectional broadcasting (<see cref="Broadcasting"/>), any of them
/// computed or constant: Add, Sub, Mul, Div, Pow, PRelu, and the variadic Sum, Mean, Max, Min, folded from the left
/// (y = v₀ ∘ v₁ ∘ …). Each works on the <see cref="BroadcastRuns"/> of the result with vectorized span operations.
/// Backward gives each computed operand ∂L/∂y·∂y/∂vₖ summed over the axes it was broadcast along:
/// Sum 1, Mean 1/n; Sub 1, −1; Mul v₁, v₀; Div 1/v₁, −y/v₁; Pow v₁·v₀^(v₁−1), y·ln v₀ (0 where v₀ = 0);
/// PRelu (v₀ &gt; 0 ? 1 : v₁), (v₀ &gt; 0 ? 0 : v₀); Max and Min give the gradient to the operand equal to y, shared evenly
/// among tied ones (PyTorch's rule for maximum and amax, and ReduceMax's here). Constants get no gradient (they are not trained).
/// </summary>
internal sealed class ElementwiseStep : OnnxStep
{
    private const int PieceLength = 1 << 14;
    private readonly string _opType;
    private readonly Elementwise _op;
    private readonly OnnxOperand[] _operands;
    private Tensor? _output;
    private Tensor?[] _saved;     // the computed operands of the last training pass
    private Tensor?[] _gradients;
    private float[][] _scratch = [];
    private float[] _partial = [], _ties = [];
    private int[][] _shapesFor = [];
    private int[] _resultShape = [];
    private BroadcastRuns? _runs;

    /// <summary>The step of ONNX op <paramref name="opType"/> (which names it in errors), computing <paramref name="op"/>.</summary>
    public ElementwiseStep(string node, string opType, Elementwise op, OnnxOperand[] operands, string output)
        : base(node, OnnxOperand.ComputedOf(operands), output)
    {
        (_opType, _op, _operands) = (opType, op, operands);
        _saved = new Tensor?[operands.Length];
        _gradients = new Tensor?[operands.Length];
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var tensors = _operands.Select(o => o.Computed is null ? null : values.Tensor(o.Computed)).ToArray();
        if (MulKernelOrder(tensors) is var (big, small))
        {
            // The product of one shape, or squeeze-and-excitation's per-plane factor: the core's Mul kernel, threaded both ways.
            if (_output is null || _output.Shape != tensors[big]!.Shape) _output = new Tensor(tensors[big]!.Shape);
            Kernels.Mul.Forward(tensors[big]!, tensors[small]!, _output);
            _saved = training ? tensors : new Tensor?[_operands.Length];
            values.Set(Output, _output);
            return;
        }
        var runs = Plan(tensors.Select((t, i) => t?.Shape.Dimensions.ToArray() ?? _operands[i].ConstantDims).ToArray());
        var shape = new TensorShape(_resultShape.Length == 0 ? [1] : _resultShape);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        // Work items are pieces of runs (a residual join is one long run), spread over threads, each with its own scratch.
        int pieces = (runs.Length + PieceLength - 1) / PieceLength, piece = Math.Min(runs.Length, PieceLength);
        var output = _output;
        PlaneParallel.For(runs.Count * pieces, (long)piece * _operands.Length, (first, end) =>
        {
            var scratch = _operands.Select(_ => ArrayPool<float>.Shared.Rent(piece)).ToArray();
            for (int item = first; item < end; item++)
            {
                int r = item / pieces, from = item % pieces * PieceLength, length = Math.Min(PieceLength, runs.Length - from);
                var y = output.Span.Slice(r * runs.Length + from, length);
                ReadOnlySpan<float> Operand(int k) => Read(tensors, runs, k, r, from, length, scratch[k]);
                if (_operands.Length == 1) Operand(0).CopyTo(y);
                else Combine(Operand(0), Operand(1), y);
                for (int k = 2; k < _operands.Length; k++) Combine(y, Operand(k), y);
                if (_op == Elementwise.Mean) TensorPrimitives.Multiply(y, 1f / _operands.Length, y);
            }
            foreach (var array in scratch) ArrayPool<float>.Shared.Return(array);
        });
        _saved = training ? tensors : new Tensor?[_operands.Length];
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values)
    {
        Plan(_operands.Select(o => o.Computed is null ? o.ConstantDims : values.ShapeOf(o.Computed).Dimensions.ToArray()).ToArray());
        values.SetShape(Output, new TensorShape(_resultShape.Length == 0 ? [1] : _resultShape));
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        if (_saved.All(s => s is null))
            throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first.");
        if (MulKernelOrder(_saved) is var (big, small))
        {
            for (int k = 0; k < 2; k++)
                if (_gradients[k] is not { } g || g.Shape != _saved[k]!.Shape) _gradients[k] = new Tensor(_saved[k]!.Shape);
            Kernels.Mul.Backward(_saved[big]!, _saved[small]!, dy, _gradients[big]!, _gradients[small]!);
            for (int k = 0; k < 2; k++) gradients.Accumulate(_operands[k].Computed!, _gradients[k]!);
            return;
        }
        var runs = Plan(_saved.Select((t, i) => t?.Shape.Dimensions.ToArray() ?? _operands[i].ConstantDims).ToArray()); // the forward pass's
        for (int k = 0; k < _operands.Length; k++)
        {
            if (_saved[k] is not { } operand) continue;
            if (_op == Elementwise.Sum && operand.Shape == dy.Shape)
            {
                gradients.Accumulate(_operands[k].Computed!, dy); // a residual join passes the gradient on as it is
                continue;
            }
            var grad = _gradients[k] is { } g && g.Shape == operand.Shape ? g : _gradients[k] = new Tensor(operand.Shape);
            grad.Clear();
            Span<float> into = grad.Span;
            for (int r = 0; r < runs.Count; r++)
            {
                Partial(k, _saved, runs, r, dy.Span.Slice(r * runs.Length, runs.Length), _output!.Span.Slice(r * runs.Length, runs.Length));
                int start = runs.Starts[k][r];
                if (runs.Repeated[k]) into[start] += TensorPrimitives.Sum(_partial);
                else TensorPrimitives.Add(into.Slice(start, runs.Length), _partial, into.Slice(start, runs.Length));
            }
            gradients.Accumulate(_operands[k].Computed!, grad);
        }
    }

    /// <summary>
    /// For Mul of two computed tensors that <see cref="Kernels.Mul"/> takes — one shape, or [N, C, H, W] and [N, C, 1, 1]
    /// in either order — the operands' indices, the full-size one first; null otherwise.
    /// </summary>
    private (int Big, int Small)? MulKernelOrder(Tensor?[] tensors)
    {
        if (_op != Elementwise.Mul || tensors.Length != 2 || tensors[0] is not { } a || tensors[1] is not { } b) return null;
        static bool PerPlane(TensorShape full, TensorShape factor) =>
            full.Rank == 4 && factor.Rank == 4 && factor[0] == full[0] && factor[1] == full[1] && factor[2] == 1 && factor[3] == 1;
        return a.Shape == b.Shape || PerPlane(a.Shape, b.Shape) ? (0, 1) : PerPlane(b.Shape, a.Shape) ? (1, 0) : null;
    }

    /// <summary>y ← a ∘ b on one run (y may be a).</summary>
    private void Combine(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (_op)
        {
            case Elementwise.Sum or Elementwise.Mean: TensorPrimitives.Add(a, b, y); break;
            case Elementwise.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case Elementwise.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case Elementwise.Div: TensorPrimitives.Divide(a, b, y); break;
            case Elementwise.Pow: TensorPrimitives.Pow(a, b, y); break;
            case Elementwise.Max: TensorPrimitives.Max(a, b, y); break;
            case Elementwise.Min: TensorPrimitives.Min(a, b, y); break;
            default: // PRelu
                for (int e = 0; e < y.Length; e++) y[e] = a[e] > 0 ? a[e] : a[e] * b[e];
                break;
        }
    }

    /// <summary>_partial ← ∂L/∂vₖ on run r, from ∂L/∂y and y there.</summary>
    private void Partial(int k, Tensor?[] tensors, BroadcastRuns runs, int r, ReadOnlySpan<float> dy, ReadOnlySpan<float> y)
    {
        var g = _partial.AsSpan();
        ReadOnlySpan<float> Other() => Read(tensors, runs, 1 - k, r);
        switch (_op, k)
        {
            case (Elementwise.Sum, _): dy.CopyTo(g); break;
            case (Elementwise.Mean, _): TensorPrimitives.Multiply(dy, 1f / _operands.Length, g); break;
            case (Elementwise.Sub, 0): dy.CopyTo(g); break;
            case (Elementwise.Sub, _): TensorPrimitives.Negate(dy, g); break;
            case (Elementwise.Mul, _): TensorPrimitives.Multiply(dy, Other(), g); break;
            case (Elementwise.Div, 0): TensorPrimitives.Divide(dy, Other(), g); break;
            case (Elementwise.Div, _):
                TensorPrimitives.Multiply(dy, y, g);
                TensorPrimitives.Divide(g, Read(tensors, runs, 1, r), g);
                TensorPrimitives.Negate(g, g);
                break;
            case (Elementwise.Pow, 0):
            {
                ReadOnlySpan<float> a = Read(tensors, runs, 0, r), b = Other();
                for (int e = 0; e < g.Length; e++) g[e] = dy[e] * b[e] * MathF.Pow(a[e], b[e] - 1);
                break;
            }
            case (Elementwise.Pow, _):
            {
                var a = Other();
                for (int e = 0; e < g.Length; e++) g[e] = a[e] == 0 ? 0 : dy[e] * y[e] * MathF.Log(a[e]);
                break;
            }
            case (Elementwise.PRelu, 0):
            {
                ReadOnlySpan<float> x = Read(tensors, runs, 0, r), slope = Other();
                for (int e = 0; e < g.Length; e++) g[e] = x[e] > 0 ? dy[e] : dy[e] * slope[e];
                break;
            }
            case (Elementwise.PRelu, _):
            {
                var x = Other();
                for (int e = 0; e < g.Length; e++) g[e] = x[e] > 0 ? 0 : dy[e] * x[e];
                break;
            }
            default: // Max, Min: shared evenly by the operands equal to y
            {
                var mine = Read(tensors, runs, k, r);
                for (int e = 0; e < g.Length; e++) g[e] = mine[e] == y[e] ? dy[e] : 0;
                var ties = _ties.AsSpan();
                ties.Clear();
                for (int j = 0; j < _operands.Length; j++)
                {
                    var v = Read(tensors, runs, j, r);
                    for (int e = 0; e < g.Length; e++) if (v[e] == y[e]) ties[e]++;
                }
                for (int e = 0; e < g.Length; e++) if (ties[e] > 1) g[e] /= ties[e];
                break;
            }
        }
    }

    /// <summary>Operand k on the whole of run r (for backward, with the step's own scratch).</summary>
    private ReadOnlySpan<float> Read(Tensor?[] tensors, BroadcastRuns runs, int k, int r) => Read(tensors, runs, k, r, 0, runs.Length, _scratch[k]);

    /// <summary>
    /// Operand k on elements [from, from + length) of run r: a span of the tensor, or its one value there repeated in
    /// <paramref name="scratch"/>.
    /// </summary>
    private ReadOnlySpan<float> Read(Tensor?[] tensors, BroadcastRuns runs, int k, int r, int from, int length, float[] scratch)
    {
        ReadOnlySpan<float> all = tensors[k] is { } t ? t.Span : _operands[k].Constant;
        int start = runs.Starts[k][r];
        if (!runs.Repeated[k]) return all.Slice(start + from, length);
        var repeated = scratch.AsSpan(0, length);
        repeated.Fill(all[start]);
        return repeated;
    }

    /// <summary>The result's shape and runs for these operand shapes (kept while they stay the same).</summary>
    private BroadcastRuns Plan(int[][] shapes)
    {
        if (_runs is not null && shapes.Length == _shapesFor.Length && shapes.Zip(_shapesFor).All(p => p.First.SequenceEqual(p.Second))) return _runs;
        _resultShape = Broadcasting.Shape(Node, _opType, shapes);
        if (_op is Elementwise.PRelu && !_resultShape.SequenceEqual(shapes[0]))
            throw new NotSupportedException($"ONNX node '{Node}' (op PRelu): the slope {Broadcasting.Format(shapes[1])} must broadcast to the input {Broadcasting.Format(shapes[0])}.");
        _runs = BroadcastRuns.For(_resultShape, shapes);
        _scratch = shapes.Select(_ => new float[_runs.Length]).ToArray();
        (_partial, _ties) = (new float[_runs.Length], new float[_runs.Length]);
        _shapesFor = shapes;
        return _runs;
    }
}
