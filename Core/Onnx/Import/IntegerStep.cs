namespace MLNet.Cnn.Onnx;

/// <summary>
/// A node of the graph's int64 shape arithmetic (Shape, Gather, Unsqueeze, Concat, Slice, Cast, Div, …), evaluated on
/// every pass from the actual input shape, so a batch size fixed at export time does not stick. No gradient flows here.
/// </summary>
internal sealed class IntegerStep(string node, string[] inputs, string output, Func<OnnxValues, IntTensor> evaluate)
    : OnnxStep(node, inputs, output)
{
    public override void Forward(OnnxValues values, bool training) => values.Set(Output, evaluate(values));

    public override void InferShape(OnnxValues values) => values.Set(Output, evaluate(values));

    public override void Backward(OnnxGradients gradients) { }
}
