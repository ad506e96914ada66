using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The optional Mean and InvStdDev outputs of LayerNormalization: per row of the input's last <c>axes</c> dims (the normalized
/// ones), the mean μ = Σx/M or s = 1/√(σ² + ε) with σ² = Σ(x − μ)²/M (<see cref="RowNormKernel.Statistics"/>), shaped as
/// the input with those dims 1. Their gradients: ∂μ/∂x = 1/M; ∂s/∂x = −s³·(x − μ)/M (the Σ(x − μ) term of ∂σ²/∂x vanishes).
/// </summary>
internal sealed class RowStatisticStep(string node, string input, string output, int axes, float epsilon, bool inverseStd)
    : OnnxStep(node, [input], output)
{
    private Tensor? _output, _gradInput, _input;

    /// <summary>The steps of node's second and third outputs, where something reads them.</summary>
    public static IEnumerable<RowStatisticStep> Extra(OnnxNodeReader node, OnnxGraphImport graph)
    {
        int axes = graph.Dims(node, node.Input(1), "Scale").Length;
        float epsilon = node.Float("epsilon", 1e-5f);
        for (int k = 1; k < Math.Min(3, node.Outputs.Count); k++)
            if (node.Outputs[k] != "") yield return new RowStatisticStep(node.Name, node.Input(0), node.Outputs[k], axes, epsilon, inverseStd: k == 2);
    }

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        var shape = Shape(x.Shape);
        if (_output is null || _output.Shape != shape) _output = new Tensor(shape);
        int length = x.Shape.SizeFrom(x.Shape.Rank - axes);
        var y = _output.Span;
        for (int r = 0; r < y.Length; r++)
        {
            var (mean, invStd) = RowNormKernel.Statistics(x.Span.Slice(r * length, length), epsilon);
            y[r] = inverseStd ? invStd : mean;
        }
        _input = training ? x : null;
        values.Set(Output, _output);
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, Shape(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients)
    {
        if (gradients.Of(Output) is not { } dy) return;
        var x = _input ?? throw new InvalidOperationException($"ONNX node '{Node}': Backward needs a forward pass in training mode first.");
        if (_gradInput is null || _gradInput.Shape != x.Shape) _gradInput = new Tensor(x.Shape);
        int length = x.Shape.SizeFrom(x.Shape.Rank - axes);
        for (int r = 0; r < dy.Length; r++)
        {
            var row = x.Span.Slice(r * length, length);
            var dx = _gradInput.Span.Slice(r * length, length);
            var (mean, invStd) = RowNormKernel.Statistics(row, epsilon);
            float g = dy.Span[r] / length, scale = -invStd * invStd * invStd * g;
            for (int m = 0; m < length; m++) dx[m] = inverseStd ? scale * (row[m] - mean) : g;
        }
        gradients.Accumulate(Inputs[0], _gradInput);
    }

    private TensorShape Shape(TensorShape input)
    {
        if (input.Rank < axes) throw new NotSupportedException($"ONNX node '{Node}' (op LayerNormalization) normalizes {axes} axes of a tensor of shape {input}.");
        var dims = input.Dimensions.ToArray();
        for (int a = input.Rank - axes; a < dims.Length; a++) dims[a] = 1;
        return new TensorShape(dims);
    }
}
