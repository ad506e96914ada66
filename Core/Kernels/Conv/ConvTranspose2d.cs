using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Transposed convolution as the backward-data pass of <see cref="Conv2d"/> (no second implementation):
/// forward = Conv2d.BackwardData, backward-data = Conv2d.Forward, backward-weights = Conv2d.BackwardWeights
/// with input and output gradient swapped, each taking the path <see cref="Conv2d"/> picks for
/// <see cref="ConvTranspose2dGeometry.AsConvolution"/> (small maps with many channels fold the batch into one GEMM).
/// <see cref="ConvTranspose2dReference"/> is the specification.
/// Shapes: x [N, Cin, H, W], w [Cin, Cout/G, kH, kW], b [Cout], y [N, Cout, Hout, Wout].
/// </summary>
internal static class ConvTranspose2d
{
    /// <summary>y [N, Cout, Hout, Wout] = convᵀ(x [N, Cin, H, W], w [Cin, Cout/G, kH, kW]) + b [Cout].</summary>
    public static void Forward(ConvTranspose2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        if (bias is not null) Require.Shape(bias, g.BiasShape, nameof(bias));
        Require.Shape(output, g.OutputShape, nameof(output));
        Conv2d.BackwardData(g.AsConvolution, input, weight, output);
        if (bias is not null) Conv2d.AddBias(g.AsConvolution, bias, output);
    }

    /// <summary>dx [N, Cin, H, W] = conv(dy [N, Cout, Hout, Wout], w).</summary>
    public static void BackwardData(ConvTranspose2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        Require.Shape(gradInput, g.InputShape, nameof(gradInput));
        Conv2d.Forward(g.AsConvolution, gradOutput, weight, null, gradInput);
    }

    /// <summary>dw [Cin, Cout/G, kH, kW] and db [Cout] (optional) from x [N, Cin, H, W] and dy [N, Cout, Hout, Wout]; overwritten.</summary>
    public static void BackwardWeights(ConvTranspose2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(gradWeight, g.WeightShape, nameof(gradWeight));
        if (gradBias is not null) Require.Shape(gradBias, g.BiasShape, nameof(gradBias));
        // The convolution's "input" is our output gradient and its "output gradient" is our input.
        Conv2d.BackwardWeights(g.AsConvolution, gradOutput, input, gradWeight, null);
        if (gradBias is not null) Conv2d.BiasGradient(gradOutput, gradBias);
    }
}
