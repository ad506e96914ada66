using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Add, Sub, Mul or Div of a float tensor [N, C, …] and a constant that is one number or one per channel (shape [C, 1, …]
/// or [1, C, 1, …]), such as an input normalization (x − mean) / std: y = x·scale[c] + shift[c]. The constant is not
/// trained; ∂L/∂x = ∂L/∂y·scale[c].
/// </summary>
internal sealed class ConstantOperandStep(string node, string input, string output, float[] scale, float[] shift, int[] constantDims)
    : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput;

    /// <summary>The step for <c>x op c</c> (or <c>c op x</c> for Add and Mul), c of shape <paramref name="dims"/> with at most one dim above 1.</summary>
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
        int planes = Planes(x.Shape), plane = x.Length / planes;
        for (int p = 0; p < planes; p++)
        {
            int c = Channel(p, x.Shape);
            var run = y.Span.Slice(p * plane, plane);
            TensorPrimitives.Multiply(x.Span.Slice(p * plane, plane), scale[c], run);
            TensorPrimitives.Add(run, shift[c], run);
        }
        values.Set(Output, y);
    }

    public override void InferShape(OnnxValues values)
    {
        var shape = values.ShapeOf(Inputs[0]);
        Planes(shape);
        values.SetShape(Output, shape);
    }

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var dx = Buffer(ref _gradInput, dy.Shape);
        int planes = Planes(dy.Shape), plane = dy.Length / planes;
        for (int p = 0; p < planes; p++)
            TensorPrimitives.Multiply(dy.Span.Slice(p * plane, plane), scale[Channel(p, dy.Shape)], dx.Span.Slice(p * plane, plane));
        gradients.Accumulate(Inputs[0], dx);
    }

    /// <summary>
    /// The number of runs of values that share one constant: one (a scalar) or N·C (per channel). Broadcasting aligns the
    /// constant's dims with the input's last ones, so [C] is per channel for [N, C] but would be per column for [N, C, H, W].
    /// </summary>
    private int Planes(TensorShape shape)
    {
        if (scale.Length == 1) return 1;
        int axis = shape.Rank - constantDims.Length + Array.FindIndex(constantDims, d => d != 1);
        if (constantDims.Length > shape.Rank || axis != 1 || shape[1] != scale.Length)
            throw new NotSupportedException($"ONNX node '{Node}' broadcasts a constant of shape [{string.Join(", ", constantDims)}] against {shape}; only one value per channel (axis 1) is supported.");
        return shape[0] * shape[1];
    }

    private int Channel(int plane, TensorShape shape) => scale.Length == 1 ? 0 : plane % shape[1];

    private static Tensor Buffer(ref Tensor? buffer, TensorShape shape) =>
        buffer is not null && buffer.Shape == shape ? buffer : buffer = new Tensor(shape);

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();
}
