using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// y = body(x) + shortcut(x), the ResNet block; the shortcut is x itself unless a projection
/// (1×1 convolution + batch norm when the shape changes) is given. ∂L/∂x = body′ᵀ·g + shortcut′ᵀ·g.
/// </summary>
public sealed class Residual : Layer
{
    private readonly Layer _body;
    private readonly Layer? _shortcut;

    /// <summary>The input shape whose body and shortcut shapes inference (<c>Infer</c>) has checked to match.</summary>
    private TensorShape _inferenceShapeChecked;
    private Tensor? _outputPlanes, _bodyPlanes, _skipPlanes;   // inference values turned into planes

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="body">The residual branch.</param>
    /// <param name="shortcut">The projection of the skip connection; null for the identity.</param>
    public Residual(string name, Layer body, Layer? shortcut = null) : base(name)
    {
        _body = body ?? throw new ArgumentNullException(nameof(body));
        _shortcut = shortcut;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Children => _shortcut is null ? [_body] : [_body, _shortcut];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        var body = _body.OutputShape(input);
        var skip = _shortcut?.OutputShape(input) ?? input;
        if (body != skip)
            throw BadInput(input, $"a shape its body and shortcut map to the same shape (body gives {body}, shortcut {skip})");
        return body;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        if (!training) return Infer(InferenceValue.Of(input), after: null).ToPlanes(ref _outputPlanes);
        var body = _body.Forward(input, training);
        var skip = _shortcut?.Forward(input, training) ?? input;
        if (body.Shape != skip.Shape) OutputShape(input.Shape); // throws the descriptive error
        var output = OutputBuffer(body.Shape);
        Add.Forward(body, skip, output);
        return output;
    }

    internal override InferenceValue Infer(InferenceValue input) => Infer(input, after: null);

    /// <summary>
    /// after(body(x) + shortcut(x)) at inference: the shortcut first, then the body, whose last convolution adds it and applies
    /// the activation after the block (null: none) as it writes its output (<see cref="Sequential.InferBody"/>), on channel
    /// blocks when its kernel has them; a body that does not end in a convolution is added and activated on planes afterwards.
    /// </summary>
    internal InferenceValue Infer(InferenceValue input, Activation? after)
    {
        var skip = _shortcut?.Infer(input) ?? input;
        if (input.Shape != _inferenceShapeChecked)
        {
            if (_body.OutputShape(input.Shape) != skip.Shape) OutputShape(input.Shape); // throws the descriptive error
            _inferenceShapeChecked = input.Shape;   // the body's and the shortcut's shapes follow from the input's alone
        }
        if (_body is Sequential sequential && sequential.InferBody(input, skip, after) is { } fused) return fused;
        var body = _body.Infer(input).ToPlanes(ref _bodyPlanes);
        var output = OutputBuffer(body.Shape);
        Add.Forward(body, skip.ToPlanes(ref _skipPlanes), output);
        after?.ForwardInPlace(output);
        return InferenceValue.Of(output);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradBody = _body.Backward(gradOutput);
        var gradSkip = _shortcut?.Backward(gradOutput) ?? gradOutput;
        var sum = GradInputBuffer(gradBody.Shape);
        Add.Forward(gradBody, gradSkip, sum);
        Consumed(_body, gradBody, sum);
        if (_shortcut is not null) Consumed(_shortcut, gradSkip, sum);
        return sum;
    }
}
