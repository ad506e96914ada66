using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>Fully connected layer (torch.nn.Linear): [N, In] → [N, Out] = x·Wᵀ + b, weight [Out, In], bias [Out].</summary>
public sealed class DenseLayer : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="inFeatures">In, the features of the input [N, In].</param>
    /// <param name="outFeatures">Out, the features of the output [N, Out].</param>
    /// <param name="bias">Whether the layer adds a bias [Out].</param>
    public DenseLayer(string name, int inFeatures, int outFeatures, bool bias = true) : base(name)
    {
        if (inFeatures <= 0) throw new ArgumentException($"inFeatures must be positive; {inFeatures} was given.", nameof(inFeatures));
        if (outFeatures <= 0) throw new ArgumentException($"outFeatures must be positive; {outFeatures} was given.", nameof(outFeatures));
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = new Parameter($"{name}.weight", new Tensor(outFeatures, inFeatures), ParameterRole.Weight);
        if (bias) _bias = new Parameter($"{name}.bias", new Tensor(outFeatures), ParameterRole.Bias);
    }

    /// <summary>In, the input features.</summary>
    public int InFeatures { get; }
    /// <summary>Out, the output features.</summary>
    public int OutFeatures { get; }
    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias => _bias is not null;
    /// <summary>The weight [Out, In].</summary>
    public Parameter Weight => _weight;
    /// <summary>The bias [Out], or null without one.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 2 || input[1] != InFeatures) throw BadInput(input, $"[N, {InFeatures}] (flatten images first)");
        return new TensorShape(input[0], OutFeatures);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        Dense.Forward(input, _weight.Value, _bias?.Value, output);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        Dense.BackwardWeights(input, gradOutput, _weight.Gradient, _bias?.Gradient);
        var gradInput = GradInputBuffer(input.Shape);
        Dense.BackwardData(gradOutput, _weight.Value, gradInput);
        return gradInput;
    }
}
