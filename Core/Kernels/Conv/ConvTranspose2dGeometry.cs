using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Shapes of a 2-D transposed convolution (PyTorch ConvTranspose2d / ONNX ConvTranspose):
///   input  [N, Cin, H, W]
///   weight [Cin, Cout/groups, kH, kW]
///   bias   [Cout]
///   output [N, Cout, Hout, Wout], Hout = (H − 1)·sH − padTop − padBottom + dH·(kH − 1) + outputPaddingH + 1.
/// It is the adjoint of the convolution <see cref="AsConvolution"/>, whose input is this output.
/// </summary>
public sealed record ConvTranspose2dGeometry : IConvolutionGeometry
{
    public ConvTranspose2dGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
        int kernelHeight, int kernelWidth, int strideH = 1, int strideW = 1, Padding2d padding = default,
        int outputPaddingH = 0, int outputPaddingW = 0, int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        Require.Positive(inHeight, nameof(inHeight));
        Require.Positive(inWidth, nameof(inWidth));
        Require.Positive(strideH, nameof(strideH));
        Require.Positive(strideW, nameof(strideW));
        Require.Positive(kernelHeight, nameof(kernelHeight));
        Require.Positive(kernelWidth, nameof(kernelWidth));
        Require.Positive(dilationH, nameof(dilationH));
        Require.Positive(dilationW, nameof(dilationW));
        Require.NonNegative(outputPaddingH, nameof(outputPaddingH));
        Require.NonNegative(outputPaddingW, nameof(outputPaddingW));
        // The extra rows/columns must still map back onto the H×W input, hence outputPadding < stride.
        if (outputPaddingH >= strideH)
            throw new ArgumentException($"outputPaddingH ({outputPaddingH}) must be smaller than strideH ({strideH}).", nameof(outputPaddingH));
        if (outputPaddingW >= strideW)
            throw new ArgumentException($"outputPaddingW ({outputPaddingW}) must be smaller than strideW ({strideW}).", nameof(outputPaddingW));
        int outHeight = (inHeight - 1) * strideH - padding.Top - padding.Bottom + dilationH * (kernelHeight - 1) + outputPaddingH + 1;
        int outWidth = (inWidth - 1) * strideW - padding.Left - padding.Right + dilationW * (kernelWidth - 1) + outputPaddingW + 1;
        if (outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException(
                $"The padding {padding} leaves an empty output ({outHeight}×{outWidth}) for a {inHeight}×{inWidth} input.", nameof(padding));

        // Conv2dGeometry validates the rest (channels divisible by groups, non-negative padding, …).
        AsConvolution = new Conv2dGeometry(batch, outChannels, outHeight, outWidth, inChannels, kernelHeight, kernelWidth,
            strideH, strideW, padding, dilationH, dilationW, groups);
        OutputPaddingH = outputPaddingH;
        OutputPaddingW = outputPaddingW;
    }

    /// <summary>The convolution whose backward-data pass this is: its input is our output and vice versa.</summary>
    public Conv2dGeometry AsConvolution { get; }

    public int OutputPaddingH { get; }
    public int OutputPaddingW { get; }

    public int Batch => AsConvolution.Batch;
    public int InChannels => AsConvolution.OutChannels;
    public int OutChannels => AsConvolution.InChannels;
    public int Groups => AsConvolution.Groups;
    public int OutHeight => AsConvolution.InHeight;
    public int OutWidth => AsConvolution.InWidth;

    public TensorShape InputShape => AsConvolution.OutputShape;
    public TensorShape WeightShape => AsConvolution.WeightShape;
    public TensorShape BiasShape => new(OutChannels);
    public TensorShape OutputShape => AsConvolution.InputShape;

    /// <summary>Same multiply-add count as the convolution it transposes.</summary>
    public double ForwardFlops => AsConvolution.ForwardFlops;
}
