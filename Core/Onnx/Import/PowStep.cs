using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Pow of a float tensor x and a constant exponent c (of any real number type in the file) that broadcasts to x's shape:
/// y = x^c element by element, as C's powf (a negative x to a whole power keeps its sign; to a fractional one it is NaN).
/// c's dims align with x's last ones, each 1 or x's (one number, one per channel, one per element). The exponent is not
/// trained; ∂L/∂x = ∂L/∂y · c·x^(c − 1), 0 where c = 0. A computed exponent, or a constant base, is a broadcasting <see cref="ElementwiseStep"/>.
/// </summary>
internal sealed class PowStep(string node, string input, string output, float[] exponent, int[] exponentDims)
    : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput, _x;
    private TensorShape? _expandedFor;
    private float[] _exponents = [], _exponentsLessOne = [];
    private int[] _zeroExponents = []; // where c = 0

    public static PowStep Create(OnnxNodeReader node, OnnxGraphImport graph) =>
        new(node.Name, node.Input(0), node.Output, graph.Numbers(node, node.Input(1), "Y"), graph.Dims(node, node.Input(1), "Y"));

    // x [any shape], y [shape of x]:  y = x^c
    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        Expand(x.Shape);
        var y = Buffer(ref _output, x.Shape);
        TensorPrimitives.Pow(x.Span, _exponents, y.Span);
        _x = training ? x : null;
        values.Set(Output, y);
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        Expand(shape);
        values.SetShape(Output, shape);
    }

    // dy, dx [shape of x]:  dx = dy · c·x^(c − 1)
    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var x = _x ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first.");
        var dx = Buffer(ref _gradInput, x.Shape);
        TensorPrimitives.Pow(x.Span, _exponentsLessOne, dx.Span);
        TensorPrimitives.Multiply(dx.Span, _exponents, dx.Span);
        TensorPrimitives.Multiply(dx.Span, dy.Span, dx.Span);
        foreach (int i in _zeroExponents) dx.Span[i] = 0; // y = 1 is constant there, but 0·x^−1 is NaN at x = 0
        gradients.Accumulate(Inputs[0], dx);
    }

    /// <summary>c repeated to one exponent per element of x (for a new shape of x); refuses a c that does not broadcast to it.</summary>
    private void Expand(TensorShape x)
    {
        if (_expandedFor == x) return;
        var dims = x.Dimensions.ToArray();
        if (!Broadcasting.Shape(Node, "Pow", dims, exponentDims).SequenceEqual(dims))
            throw new NotSupportedException($"ONNX node '{Node}' (op Pow): an exponent of shape [{string.Join(", ", exponentDims)}] " +
                $"against an input of shape {x}; its dims, aligned with the input's last ones, must each be 1 or the input's.");
        // Element e of x at coordinates (i_0, …, i_last) reads c at the coordinates of its last axes, 0 where c's dim is 1.
        var strides = Broadcasting.Strides(exponentDims, dims);
        _exponents = new float[x.Length];
        var coordinates = new int[x.Rank];
        for (int e = 0; e < _exponents.Length; e++)
        {
            int source = 0;
            for (int axis = 0; axis < x.Rank; axis++) source += coordinates[axis] * strides[axis];
            _exponents[e] = exponent[source];
            for (int axis = x.Rank - 1; axis >= 0 && ++coordinates[axis] == x[axis]; axis--) coordinates[axis] = 0;
        }
        _exponentsLessOne = _exponents.Select(c => c - 1).ToArray();
        _zeroExponents = Enumerable.Range(0, _exponents.Length).Where(i => _exponents[i] == 0).ToArray();
        _expandedFor = x;
    }

    private static Tensor Buffer(ref Tensor? buffer, TensorShape shape) =>
        buffer is not null && buffer.Shape == shape ? buffer : buffer = new Tensor(shape);
}
