using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// 2-D convolution layer (torch.nn.Conv2d): weight [Cout, Cin/groups, kH, kW], optional bias [Cout].
/// Input [N, Cin, H, W] → output [N, Cout, Hout, Wout]. <see cref="ConvPadding"/> gives explicit, "same" or
/// "valid" padding; "same" is resolved per input size.
/// </summary>
public sealed class Conv2dLayer : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Conv2dGeometry? _geometry;
    private Tensor? _input;

    public Conv2dLayer(string name, int inChannels, int outChannels, int kernelSize, int stride = 1,
        ConvPadding? padding = null, int dilation = 1, int groups = 1, bool bias = true)
        : this(name, inChannels, outChannels, kernelSize, kernelSize, stride, stride, padding, dilation, groups, bias) { }

    public Conv2dLayer(string name, int inChannels, int outChannels, int kernelHeight, int kernelWidth, int strideH,
        int strideW, ConvPadding? padding = null, int dilation = 1, int groups = 1, bool bias = true) : base(name)
    {
        // Validates every hyper-parameter once, on a 1×1-output stand-in input.
        var padded = padding ?? ConvPadding.Valid;
        _ = new Conv2dGeometry(1, inChannels, dilation * (kernelHeight - 1) + 1, dilation * (kernelWidth - 1) + 1,
            outChannels, kernelHeight, kernelWidth, strideH, strideW, default, dilation, dilation, groups);
        InChannels = inChannels; OutChannels = outChannels; KernelHeight = kernelHeight; KernelWidth = kernelWidth;
        StrideH = strideH; StrideW = strideW; Padding = padded; Dilation = dilation; Groups = groups;
        _weight = new Parameter($"{name}.weight", new Tensor(outChannels, inChannels / groups, kernelHeight, kernelWidth), ParameterRole.Weight);
        if (bias) _bias = new Parameter($"{name}.bias", new Tensor(outChannels), ParameterRole.Bias);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelHeight { get; }
    public int KernelWidth { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public ConvPadding Padding { get; }
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
        Conv2d.Forward(g, input, _weight.Value, _bias?.Value, output);
        _input = training ? input : null;
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var g = Geometry(input.Shape); // not _geometry: an OutputShape call since the forward pass may have replaced it
        Conv2d.BackwardWeights(g, input, gradOutput, _weight.Gradient, _bias?.Gradient);
        var gradInput = GradInputBuffer(g.InputShape);
        if (InputGradientNeeded) Conv2d.BackwardData(g, gradOutput, _weight.Value, gradInput);
        return gradInput;
    }

    private Conv2dGeometry Geometry(TensorShape input)
    {
        if (_geometry is not null && _geometry.InputShape == input) return _geometry;
        if (input.Rank != 4 || input[1] != InChannels)
            throw BadInput(input, $"[N, {InChannels}, H, W]");
        try
        {
            var padding = Padding.Resolve(input[2], input[3], KernelHeight, KernelWidth, StrideH, StrideW, Dilation);
            return _geometry = new Conv2dGeometry(input[0], InChannels, input[2], input[3], OutChannels, KernelHeight,
                KernelWidth, StrideH, StrideW, padding, Dilation, Dilation, Groups);
        }
        catch (ArgumentException e)
        {
            throw BadInput(input, e);
        }
    }
}
