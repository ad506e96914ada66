using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Layers;

/// <summary>How a convolution or pooling layer pads: explicit sides, or "same" / "valid" (Keras, ONNX auto_pad).</summary>
public sealed record ConvPadding
{
    private readonly bool _same;
    private readonly Padding2d _explicit;

    private ConvPadding(bool same, Padding2d sides) => (_same, _explicit) = (same, sides);

    public static ConvPadding Valid { get; } = new(false, default);

    /// <summary>Output size ⌈input / stride⌉; an odd total goes to the bottom/right (ONNX SAME_UPPER).</summary>
    public static ConvPadding Same { get; } = new(true, default);

    public static ConvPadding Explicit(Padding2d sides) => new(false, sides);

    public static ConvPadding Symmetric(int padding) => new(false, Padding2d.Symmetric(padding));

    public static implicit operator ConvPadding(int padding) => Symmetric(padding);

    public bool IsSame => _same;

    public Padding2d Resolve(int inHeight, int inWidth, int kernelH, int kernelW, int strideH, int strideW, int dilation) =>
        _same ? Padding2d.Same(inHeight, inWidth, kernelH, kernelW, strideH, strideW, dilation, dilation) : _explicit;

    public override string ToString() => _same ? "same" : _explicit == default ? "valid" : _explicit.ToString();
}
