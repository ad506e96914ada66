using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// 2-D average pooling, the fast version of <see cref="AvgPool2dReference"/> (see there for the divisor rule).
/// Planes (n, c) run in parallel; each input plane is split into stride phases (<see cref="PoolRowPhases"/>,
/// padding = 0) so every window tap is one vector add over a whole output row. The divisor of a window is the
/// product of its counted taps along each axis, applied as a per-column and a per-row scale. As in PyTorch,
/// average pooling has no dilation.
/// </summary>
internal static unsafe class AvgPool2d
{
    // input [N, C, H, W] → output [N, C, Hout, Wout]
    public static void Forward(Pool2dGeometry geometry, Tensor input, Tensor output, bool countIncludePad = true)
    {
        RequireNoDilation(geometry);
        Require.Shape(input, geometry.InputShape, nameof(input));
        Require.Shape(output, geometry.OutputShape, nameof(output));
        var g = geometry;
        var phases = new PoolRowPhases(g);
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth, outWidth = g.OutWidth;
        using var columnScale = ColumnScales(g, countIncludePad);
        nint x = (nint)input.Pointer, y = (nint)output.Pointer, scale = (nint)columnScale.Pointer;
        PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane * g.KernelHeight * g.KernelWidth, (start, end) =>
        {
            using var split = ScratchPool.Rent(g.InHeight * phases.RowLength);
            var columns = new ReadOnlySpan<float>((float*)scale, outWidth);
            for (int p = start; p < end; p++)
            {
                phases.Split((float*)x + (long)p * inPlane, g.InHeight, 0f, split.Pointer);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    var sum = new Span<float>((float*)y + (long)p * outPlane + oh * outWidth, outWidth);
                    sum.Clear();
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int h = oh * g.StrideH - g.Padding.Top + kh;
                        if ((uint)h >= (uint)g.InHeight) continue;
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                            TensorPrimitives.Add(sum, Run(split.Pointer, h, kw, phases, outWidth), sum);
                    }
                    TensorPrimitives.Multiply(sum, columns, sum);
                    TensorPrimitives.Multiply(sum, RowScale(g, oh, countIncludePad), sum);
                }
            }
        });
    }

    // gradOutput [N, C, Hout, Wout] → gradInput [N, C, H, W] (overwritten): the transpose of Forward, accumulated
    // in a split plane and merged back.
    public static void Backward(Pool2dGeometry geometry, Tensor gradOutput, Tensor gradInput, bool countIncludePad = true)
    {
        RequireNoDilation(geometry);
        Require.Shape(gradOutput, geometry.OutputShape, nameof(gradOutput));
        Require.Shape(gradInput, geometry.InputShape, nameof(gradInput));
        var g = geometry;
        var phases = new PoolRowPhases(g);
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth, outWidth = g.OutWidth;
        int splitLength = g.InHeight * phases.RowLength;
        using var columnScale = ColumnScales(g, countIncludePad);
        nint dy = (nint)gradOutput.Pointer, dx = (nint)gradInput.Pointer, scale = (nint)columnScale.Pointer;
        PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane * g.KernelHeight * g.KernelWidth, (start, end) =>
        {
            using var scratch = ScratchPool.Rent(splitLength + outWidth);
            var split = scratch.Span[..splitLength];
            var share = scratch.Span.Slice(splitLength, outWidth);
            var columns = new ReadOnlySpan<float>((float*)scale, outWidth);
            for (int p = start; p < end; p++)
            {
                split.Clear();
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>((float*)dy + (long)p * outPlane + oh * outWidth, outWidth),
                        columns, share);
                    TensorPrimitives.Multiply(share, RowScale(g, oh, countIncludePad), share);
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int h = oh * g.StrideH - g.Padding.Top + kh;
                        if ((uint)h >= (uint)g.InHeight) continue;
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            var run = Run(scratch.Pointer, h, kw, phases, outWidth);
                            TensorPrimitives.Add(run, share, run);
                        }
                    }
                }
                phases.Merge(scratch.Pointer, g.InHeight, (float*)dx + (long)p * inPlane);
            }
        });
    }

    private static void RequireNoDilation(Pool2dGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.DilationH != 1 || geometry.DilationW != 1)
            throw new ArgumentException(
                $"Average pooling has no dilation (as in PyTorch); geometry has dilation {geometry.DilationH}×{geometry.DilationW}, expected 1×1.",
                nameof(geometry));
    }

    /// <summary>The run of split input row <paramref name="h"/> that horizontal tap <paramref name="kw"/> reads for a whole output row.</summary>
    private static Span<float> Run(float* split, int h, int kw, PoolRowPhases phases, int outWidth) =>
        new(split + h * phases.RowLength + phases.TapOffset(kw), outWidth);

    private static ScratchBuffer ColumnScales(Pool2dGeometry g, bool countIncludePad)
    {
        var scales = ScratchPool.Rent(g.OutWidth);
        for (int ow = 0; ow < g.OutWidth; ow++)
            scales.Span[ow] = 1f / CountedTaps(ow * g.StrideW - g.Padding.Left, g.KernelWidth,
                countIncludePad ? -g.Padding.Left : 0, g.InWidth + (countIncludePad ? g.Padding.Right : 0));
        return scales;
    }

    private static float RowScale(Pool2dGeometry g, int oh, bool countIncludePad) =>
        1f / CountedTaps(oh * g.StrideH - g.Padding.Top, g.KernelHeight,
            countIncludePad ? -g.Padding.Top : 0, g.InHeight + (countIncludePad ? g.Padding.Bottom : 0));

    /// <summary>
    /// Number of the taps start … start + kernel − 1 inside [low, high); at least one, since a window starts inside the
    /// input or the low padding, which is smaller than the kernel, and a high padding smaller than the kernel leaves no
    /// window wholly in it.
    /// </summary>
    private static int CountedTaps(int start, int kernel, int low, int high) =>
        Math.Min(start + kernel, high) - Math.Max(start, low);
}
