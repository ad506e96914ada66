using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// PReLU (torch.nn.PReLU): y = x &gt; 0 ? x : a·x with a learned slope a, one per channel of [N, C, …] or, when
/// <see cref="Channels"/> is 1, one shared by all channels. The slope starts at <see cref="InitialSlope"/>
/// (PyTorch's 0.25) and, as PyTorch advises, is not weight-decayed (<see cref="ParameterRole.Slope"/>).
/// </summary>
public sealed class PReLULayer : Layer
{
    private readonly Parameter _slope;
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="channels">C for one slope per channel, or 1 for one shared slope.</param>
    /// <param name="initialSlope">The slope the training starts from.</param>
    public PReLULayer(string name, int channels = 1, float initialSlope = 0.25f) : base(name)
    {
        Require.Positive(channels, nameof(channels));
        if (!float.IsFinite(initialSlope))
            throw new ArgumentException($"initialSlope must be finite; {initialSlope} was given.", nameof(initialSlope));
        Channels = channels;
        InitialSlope = initialSlope;
        _slope = new Parameter($"{name}.weight", new Tensor(channels), ParameterRole.Slope);
        _slope.Value.Span.Fill(initialSlope);
    }

    /// <summary>Number of slopes: the input's channel count, or 1 for one slope shared by every channel.</summary>
    public int Channels { get; }
    /// <summary>The slope the training starts from.</summary>
    public float InitialSlope { get; }
    /// <summary>The learned slopes: [C], or [1] when shared.</summary>
    public Parameter Slope => _slope;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [_slope];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank < 2 || (Channels != 1 && input[1] != Channels))
            throw BadInput(input, Channels == 1 ? "[N, C, …]" : $"[N, {Channels}, …]");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        PReLU.Forward(input, _slope.Value, output);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var gradInput = GradInputBuffer(input.Shape);
        PReLU.Backward(input, _slope.Value, gradOutput, gradInput, _slope.Gradient);
        return gradInput;
    }
}
