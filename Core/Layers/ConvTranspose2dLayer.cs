using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// 2-D transposed convolution (torch.nn.ConvTranspose2d), the learned upsampling of decoders: weight
/// [Cin, Cout/groups, k, k] as PyTorch stores it, optional bias [Cout]. Input [N, Cin, H, W] → output
/// [N, Cout, (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1, likewise for W].
/// </summary>
public sealed class ConvTranspose2dLayer : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private ConvTranspose2dGeometry? _geometry;
    private Tensor? _input;

    public ConvTranspose2dLayer(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1, bool bias = true) : base(name)
    {
        Require.Positive(inChannels, nameof(inChannels));
        Require.Positive(outChannels, nameof(outChannels));
        Require.Positive(kernelSize, nameof(kernelSize));
        Require.Positive(stride, nameof(stride));
        Require.NonNegative(padding, nameof(padding));
        Require.Positive(dilation, nameof(dilation));
        Require.Positive(groups, nameof(groups));
        // The extra rows and columns must still map back onto the input, as PyTorch requires.
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"outputPadding must be in [0, stride = {stride}); {outputPadding} was given.", nameof(outputPadding));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException(
                $"groups ({groups}) must divide inChannels ({inChannels}) and outChannels ({outChannels}).", nameof(groups));
        InChannels = inChannels; OutChannels = outChannels; KernelSize = kernelSize; Stride = stride; Padding = padding;
        OutputPadding = outputPadding; Dilation = dilation; Groups = groups;
        _weight = new Parameter($"{name}.weight", new Tensor(inChannels, outChannels / groups, kernelSize, kernelSize), ParameterRole.Weight);
        if (bias) _bias = new Parameter($"{name}.bias", new Tensor(outChannels), ParameterRole.Bias);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public bool HasBias => _bias is not null;

    public Parameter Weight => _weight;
    public Parameter? Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    public override TensorShape OutputShape(TensorShape input) => Geometry(input).OutputShape;

    public override Tensor Forward(Tensor input, bool training)
    {
        var g = Geometry(input.Shape);
        var output = OutputBuffer(g.OutputShape);
        ConvTranspose2d.Forward(g, input, _weight.Value, _bias?.Value, output);
        _input = training ? input : null;
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var g = Geometry(input.Shape);
        ConvTranspose2d.BackwardWeights(g, input, gradOutput, _weight.Gradient, _bias?.Gradient);
        var gradInput = GradInputBuffer(g.InputShape);
        if (InputGradientNeeded) ConvTranspose2d.BackwardData(g, gradOutput, _weight.Value, gradInput);
        return gradInput;
    }

    private ConvTranspose2dGeometry Geometry(TensorShape input)
    {
        if (_geometry is not null && _geometry.InputShape == input) return _geometry;
        if (input.Rank != 4 || input[1] != InChannels) throw BadInput(input, $"[N, {InChannels}, H, W]");
        try
        {
            return _geometry = new ConvTranspose2dGeometry(input[0], InChannels, input[2], input[3], OutChannels, KernelSize,
                KernelSize, Stride, Stride, Padding2d.Symmetric(Padding), OutputPadding, OutputPadding, Dilation, Dilation,
                Groups);
        }
        catch (ArgumentException e)
        {
            throw BadInput(input, e);
        }
    }
}
