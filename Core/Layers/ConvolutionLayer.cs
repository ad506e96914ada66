using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// What <see cref="Conv2dLayer"/> and <see cref="ConvTranspose2dLayer"/> share: a weight and an optional bias [Cout],
/// the kernel geometry for the current input shape (cached while the shape stays the same), and forward / backward as
/// calls of the layer's kernel — forward keeps the input when training, backward computes the weight and bias gradients
/// and, when <see cref="Layer.InputGradientNeeded"/>, the input gradient.
/// </summary>
public abstract class ConvolutionLayer<TGeometry> : Layer where TGeometry : class, IConvolutionGeometry
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private TGeometry? _geometry;
    private Tensor? _input;
    /// <summary>The kernel's packed weights, kept between inference calls (and dropped when the layer trains).</summary>
    private protected WeightPackCache InferencePacking { get; } = new();

    private protected ConvolutionLayer(string name, int inChannels, int outChannels, int dilation, int groups, TensorShape weightShape, bool bias)
        : base(name)
    {
        InChannels = inChannels; OutChannels = outChannels; Dilation = dilation; Groups = groups;
        _weight = new Parameter($"{name}.weight", new Tensor(weightShape), ParameterRole.Weight);
        if (bias) _bias = new Parameter($"{name}.bias", new Tensor(outChannels), ParameterRole.Bias);
    }

    /// <summary>Cin, the input channels.</summary>
    public int InChannels { get; }
    /// <summary>Cout, the output channels.</summary>
    public int OutChannels { get; }
    /// <summary>The spacing of the kernel taps (1: adjacent).</summary>
    public int Dilation { get; }
    /// <summary>The number of channel groups.</summary>
    public int Groups { get; }
    /// <summary>Whether the layer adds a bias per output channel.</summary>
    public bool HasBias => _bias is not null;

    /// <summary>The kernel weights (see the layer for their layout).</summary>
    public Parameter Weight => _weight;
    /// <summary>The bias [Cout], or null without one.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => Geometry(input).OutputShape;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var g = Geometry(input.Shape);
        var output = OutputBuffer(g.OutputShape);
        if (training)
        {
            InferencePacking.Clear();
            KernelForward(g, input, _weight.Value, _bias?.Value, output);
        }
        else KernelForward(g, input, _weight.Value, _bias?.Value, output, new ConvEpilogue(Packing: InferencePacking));
        _input = training ? input : null;
        return output;
    }

    /// <summary>
    /// The inference forward pass with another bias and the <see cref="ConvEpilogue"/> — a batch norm folded into the weights,
    /// the skip connection of a residual block and the activation after the layer, applied by the kernel (see <see cref="FusedConvolution"/>).
    /// </summary>
    internal Tensor ForwardInference(Tensor input, Tensor? bias, ConvEpilogue epilogue)
    {
        var g = Geometry(input.Shape);
        var output = OutputBuffer(g.OutputShape);
        KernelForward(g, input, _weight.Value, bias, output, epilogue with { Packing = InferencePacking });
        _input = null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var g = Geometry(input.Shape); // not _geometry: an OutputShape call since the forward pass may have replaced it
        KernelBackwardWeights(g, input, gradOutput, _weight.Gradient, _bias?.Gradient);
        var gradInput = GradInputBuffer(g.InputShape);
        if (InputGradientNeeded) KernelBackwardData(g, gradOutput, _weight.Value, gradInput);
        return gradInput;
    }

    /// <summary>The kernel geometry for an input [N, <see cref="InChannels"/>, H, W]; an ArgumentException if the sizes do not fit.</summary>
    private protected abstract TGeometry CreateGeometry(TensorShape input);

    private protected abstract void KernelForward(TGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output);

    /// <summary>
    /// y = f(conv(x, s ⊙ w) + b + r) (<see cref="ConvEpilogue"/>): here only without s, the kernel and then r and f as one pass;
    /// a layer whose kernel scales its weights as it packs them and finishes its output as it goes overrides this.
    /// </summary>
    private protected virtual unsafe void KernelForward(TGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output, ConvEpilogue epilogue)
    {
        if (epilogue.WeightScale is not null)
            throw new NotSupportedException($"{GetType().Name} '{Name}' cannot scale its weights per output channel (internal error).");
        KernelForward(g, input, weight, bias, output);
        if (epilogue.Addend is not null) Require.SameShape(epilogue.Addend, output, "addend", nameof(output));
        epilogue.Finish(output.Pointer, 0, output.Length);
    }

    private protected abstract void KernelBackwardWeights(TGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias);

    private protected abstract void KernelBackwardData(TGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput);

    private protected TGeometry Geometry(TensorShape input)
    {
        if (_geometry is not null && _geometry.InputShape == input) return _geometry;
        if (input.Rank != 4 || input[1] != InChannels) throw BadInput(input, $"[N, {InChannels}, H, W]");
        try
        {
            return _geometry = CreateGeometry(input);
        }
        catch (ArgumentException e)
        {
            throw BadInput(input, e);
        }
    }
}
