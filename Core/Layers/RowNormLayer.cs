using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// The base of the normalizations that use each sample's own statistics, the same in training and inference
/// (<see cref="LayerNormLayer"/>, <see cref="GroupNormLayer"/>): a subclass says how an input splits into rows
/// (<see cref="RowNorm"/>); this class holds the scale γ (starting at 1) and the optional shift β (at 0) and runs
/// <see cref="RowNormKernel"/>.
/// </summary>
public abstract class RowNormLayer : Layer
{
    private readonly Parameter _gamma;
    private readonly Parameter? _beta;
    private Tensor? _input, _mean, _invStd;

    private protected RowNormLayer(string name, TensorShape parameterShape, float epsilon, bool bias) : base(name)
    {
        if (!(epsilon >= 0) || float.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and non-negative; {epsilon} was given.", nameof(epsilon));
        Epsilon = epsilon;
        _gamma = new Parameter($"{name}.weight", new Tensor(parameterShape), ParameterRole.Normalization);
        _gamma.Value.Span.Fill(1f);
        if (bias) _beta = new Parameter($"{name}.bias", new Tensor(parameterShape), ParameterRole.Normalization);
    }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The scale γ.</summary>
    public Parameter Gamma => _gamma;

    /// <summary>The shift β, or null for a layer without one.</summary>
    public Parameter? Beta => _beta;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _beta is null ? [_gamma] : [_gamma, _beta];

    /// <summary>How an input of this shape splits into rows; throws the layer's ArgumentException for an input it cannot take.</summary>
    private protected abstract RowNorm RowsOf(TensorShape input);

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        RowsOf(input);
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var norm = RowsOf(input.Shape);
        var output = OutputBufferFor(input.Shape);
        int rows = input.Length / norm.Length;
        var mean = Reuse(ref _mean, new TensorShape(rows));
        var invStd = Reuse(ref _invStd, new TensorShape(rows));
        RowNormKernel.Forward(norm, input, output, _gamma.Value, _beta?.Value, Epsilon, mean, invStd);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var gradInput = GradInputBuffer(input.Shape);
        RowNormKernel.Backward(RowsOf(input.Shape), input, gradOutput, gradInput, _gamma.Value, _mean!, _invStd!, _gamma.Gradient, _beta?.Gradient);
        return gradInput;
    }
}
