using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Layers;

/// <summary>How a convolution or pooling layer pads: explicit sides, or "same" / "valid" (Keras, ONNX auto_pad).</summary>
public sealed record ConvPadding
{
    private readonly bool _same, _extraAtStart;
    private readonly Padding2d _explicit;

    private ConvPadding(bool same, bool extraAtStart, Padding2d sides) => (_same, _extraAtStart, _explicit) = (same, extraAtStart, sides);

    /// <summary>No padding (Keras and ONNX "valid").</summary>
    public static ConvPadding Valid { get; } = new(false, false, default);

    /// <summary>Output size ⌈input / stride⌉; an odd total goes to the bottom/right (ONNX SAME_UPPER).</summary>
    public static ConvPadding Same { get; } = new(true, false, default);

    /// <summary>Output size ⌈input / stride⌉; an odd total goes to the top/left (ONNX SAME_LOWER).</summary>
    public static ConvPadding SameLower { get; } = new(true, true, default);

    /// <summary>Exactly <paramref name="sides"/>, whatever the input size.</summary>
    public static ConvPadding Explicit(Padding2d sides) => new(false, false, sides);

    /// <paramref name="padding"/> pixels on all four sides.
    public static ConvPadding Symmetric(int padding) => new(false, false, Padding2d.Symmetric(padding));

    /// <paramref name="padding"/> pixels on all four sides (so <c>padding: 1</c> reads as it does in PyTorch).
    public static implicit operator ConvPadding(int padding) => Symmetric(padding);

    /// <summary>"same" padding, with the odd row or column at either end (<see cref="Same"/> or <see cref="SameLower"/>).</summary>
    public bool IsSame => _same;

    /// <summary>Whether an odd total goes to the top/left: <see cref="SameLower"/>.</summary>
    public bool IsSameLower => _same && _extraAtStart;

    /// <summary>The padding of each side for an input of <paramref name="inHeight"/>×<paramref name="inWidth"/> and this kernel, stride and dilation ("same" depends on them; explicit padding does not).</summary>
    public Padding2d Resolve(int inHeight, int inWidth, int kernelH, int kernelW, int strideH, int strideW, int dilation) =>
        _same ? Padding2d.Same(inHeight, inWidth, kernelH, kernelW, strideH, strideW, dilation, dilation, _extraAtStart) : _explicit;

    /// <inheritdoc/>
    public override string ToString() => _same ? (_extraAtStart ? "same_lower" : "same") : _explicit == default ? "valid" : _explicit.ToString();
}
