using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Spatial padding of [N, C, H, W] (torch.nn.ZeroPad2d / ConstantPad2d / ReflectionPad2d / ReplicationPad2d):
/// each side its own amount, filled with a constant, the mirror image or the edge pixel.
/// </summary>
public sealed class PadLayer : Layer
{
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="padding">The pixels added on each side, ≥ 0.</param>
    /// <param name="mode">How the padding is filled.</param>
    /// <param name="value">The fill value of <see cref="PadMode.Constant"/>.</param>
    public PadLayer(string name, Padding2d padding, PadMode mode = PadMode.Constant, float value = 0f) : base(name)
    {
        Require.NonNegative(padding.Top, "padding.Top");
        Require.NonNegative(padding.Left, "padding.Left");
        Require.NonNegative(padding.Bottom, "padding.Bottom");
        Require.NonNegative(padding.Right, "padding.Right");
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"mode {(int)mode} is not a {nameof(PadMode)}.", nameof(mode));
        // As in PyTorch, only constant padding takes a value.
        if (mode != PadMode.Constant && value != 0f)
            throw new ArgumentException($"value ({value}) applies to {PadMode.Constant} padding only, not {mode}.", nameof(value));
        Padding = padding; Mode = mode; Value = value;
    }

    /// <summary>The pixels added on each side.</summary>
    public Padding2d Padding { get; }
    /// <summary>How the padding is filled.</summary>
    public PadMode Mode { get; }
    /// <summary>The fill value of <see cref="PadMode.Constant"/>.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        var p = Padding;
        if (Mode == PadMode.Reflect && (p.Top >= input[2] || p.Bottom >= input[2] || p.Left >= input[3] || p.Right >= input[3]))
            throw BadInput(input, $"[N, C, H, W] with H > {Math.Max(p.Top, p.Bottom)} and W > {Math.Max(p.Left, p.Right)} (reflect padding {p})");
        return Pad.PaddedShape(input, p);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        Pad.Forward(input, output, Padding, Mode, Value);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = GradInputBuffer(Saved(_input).Shape);
        Pad.Backward(gradOutput, gradInput, Padding, Mode);
        return gradInput;
    }
}
