using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Add, Sub, Mul or Div of a float tensor x and a constant c under ONNX's (NumPy's) broadcasting, x keeping its shape:
/// y = x·scale + shift, with scale and shift from c. The constant's dims align with x's last ones, each 1 or equal to x's:
/// one number, one per channel ([C, 1, 1] or [1, C, 1, 1], such as an input normalization (x − mean) / std), or one per
/// pixel of an image ([1, C, H, W]: a mean image). The constant varies only over x's axes from the first where one of
/// its dims is above 1; there it is expanded once into a block of that many values, which repeats along the axes before
/// (the batch). The constant is not trained; ∂L/∂x = ∂L/∂y·scale.
/// </summary>
internal sealed class ConstantOperandStep(string node, string input, string output, float[] scale, float[] shift, int[] constantDims)
    : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput;
    private TensorShape? _blockShape;
    private float[] _scaleBlock = [], _shiftBlock = [];

    /// <summary>The step for <c>x op c</c> (or <c>c op x</c> for Add and Mul), c of shape <paramref name="dims"/>.</summary>
    public static ConstantOperandStep Create(OnnxNodeReader node, string x, float[] c, int[] dims)
    {
        var (scale, shift) = node.OpType switch
        {
            "Add" => (Ones(c.Length), c),
            "Sub" => (Ones(c.Length), c.Select(v => -v).ToArray()),
            "Mul" => (c, new float[c.Length]),
            _ => (c.Select(v => 1f / v).ToArray(), new float[c.Length]), // Div
        };
        return new ConstantOperandStep(node.Name, x, node.Output, scale, shift, dims);
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        var y = Buffer(ref _output, x.Shape);
        int block = Expand(x.Shape);
        for (int start = 0; start < x.Length; start += block)
            TensorPrimitives.MultiplyAdd(x.Span.Slice(start, block), _scaleBlock, _shiftBlock, y.Span.Slice(start, block));
        values.Set(Output, y);
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        Expand(shape);
        values.SetShape(Output, shape);
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var dx = Buffer(ref _gradInput, dy.Shape);
        int block = Expand(dy.Shape);
        for (int start = 0; start < dy.Length; start += block)
            TensorPrimitives.Multiply(dy.Span.Slice(start, block), _scaleBlock, dx.Span.Slice(start, block));
        gradients.Accumulate(Inputs[0], dx);
    }

    /// <summary>
    /// Expands scale and shift over x's axes from the first the constant varies along (for a new shape of x), and returns
    /// the block's length; refuses a constant that does not broadcast to x's shape.
    /// </summary>
    private int Expand(TensorShape x)
    {
        int offset = x.Rank - constantDims.Length;
        if (offset < 0 || constantDims.Select((d, i) => d == 1 || d == x[offset + i]).Contains(false))
            throw new NotSupportedException($"ONNX node '{Node}' broadcasts a constant of shape [{string.Join(", ", constantDims)}] against {x}; " +
                "its dims, aligned with the input's last ones, must each be 1 or the input's.");
        int varying = Array.FindIndex(constantDims, d => d != 1);
        int first = varying < 0 ? x.Rank - 1 : offset + varying;   // one number: a block of the last axis, all alike
        var blockShape = new TensorShape(x.Dimensions[first..].ToArray());
        if (_blockShape == blockShape) return _scaleBlock.Length;
        int length = blockShape.Length;
        (_scaleBlock, _shiftBlock) = (new float[length], new float[length]);
        // Element e of the block at coordinates (i_first, …, i_last) reads the constant at the same coordinates, 0 where its dim is 1.
        var coordinates = new int[blockShape.Rank];
        for (int e = 0; e < length; e++)
        {
            int source = 0;
            for (int axis = 0; axis < blockShape.Rank; axis++)
            {
                int at = first - offset + axis, d = at >= 0 ? constantDims[at] : 1;
                source = source * d + (d == 1 ? 0 : coordinates[axis]);
            }
            (_scaleBlock[e], _shiftBlock[e]) = (scale[source], shift[source]);
            for (int axis = blockShape.Rank - 1; axis >= 0 && ++coordinates[axis] == blockShape[axis]; axis--) coordinates[axis] = 0;
        }
        _blockShape = blockShape;
        return length;
    }

    private static Tensor Buffer(ref Tensor? buffer, TensorShape shape) =>
        buffer is not null && buffer.Shape == shape ? buffer : buffer = new Tensor(shape);

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();
}
