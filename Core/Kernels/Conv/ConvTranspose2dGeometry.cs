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
    /// <summary>The geometry of one transposed convolution (the backward-data pass of <see cref="AsConvolution"/>); throws an <see cref="ArgumentException"/> naming the argument when the shapes do not fit.</summary>
    /// <param name="batch">N, images per batch.</param>
    /// <param name="inChannels">Cin.</param>
    /// <param name="inHeight">H of the input, in pixels.</param>
    /// <param name="inWidth">W of the input, in pixels.</param>
    /// <param name="outChannels">Cout.</param>
    /// <param name="kernelHeight">kH.</param>
    /// <param name="kernelWidth">kW.</param>
    /// <param name="strideH">sH: the output grows by this factor vertically.</param>
    /// <param name="strideW">sW: the output grows by this factor horizontally.</param>
    /// <param name="padding">The padding of the equivalent convolution, removed from the output's sides.</param>
    /// <param name="outputPaddingH">Rows added at the bottom of the output (to choose among the sizes a stride allows).</param>
    /// <param name="outputPaddingW">Columns added at the right of the output.</param>
    /// <param name="dilationH">dH, the vertical spacing of the kernel taps.</param>
    /// <param name="dilationW">dW, the horizontal spacing of the kernel taps.</param>
    /// <param name="groups">G, the number of channel groups.</param>
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

    /// <summary>Rows added at the bottom of the output.</summary>
    public int OutputPaddingH { get; }
    /// <summary>Columns added at the right of the output.</summary>
    public int OutputPaddingW { get; }

    /// <summary>N, images per batch.</summary>
    public int Batch => AsConvolution.Batch;
    /// <summary>Cin, the input channels.</summary>
    public int InChannels => AsConvolution.OutChannels;
    /// <summary>Cout, the output channels.</summary>
    public int OutChannels => AsConvolution.InChannels;
    /// <summary>G, the number of channel groups.</summary>
    public int Groups => AsConvolution.Groups;
    /// <summary>Hout, the output height in pixels.</summary>
    public int OutHeight => AsConvolution.InHeight;
    /// <summary>Wout, the output width in pixels.</summary>
    public int OutWidth => AsConvolution.InWidth;

    /// <summary>[N, Cin, H, W].</summary>
    public TensorShape InputShape => AsConvolution.OutputShape;
    /// <summary>[Cin, Cout/G, kH, kW] (PyTorch's layout for transposed convolution).</summary>
    public TensorShape WeightShape => AsConvolution.WeightShape;
    /// <summary>[Cout].</summary>
    public TensorShape BiasShape => new(OutChannels);
    /// <summary>[N, Cout, Hout, Wout].</summary>
    public TensorShape OutputShape => AsConvolution.InputShape;

    /// <summary>Same multiply-add count as the convolution it transposes.</summary>
    public double ForwardFlops => AsConvolution.ForwardFlops;
}
