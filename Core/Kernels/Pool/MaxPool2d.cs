using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// 2-D max pooling, the fast version of <see cref="MaxPool2dReference"/>. Planes (n, c) run in parallel; each
/// input plane is split into stride phases (<see cref="PoolRowPhases"/>, padding = −∞) so every window tap reads one
/// contiguous run per output row; the runs of a tap are gathered for the whole plane and merged by one vector max,
/// tracking the winning tap alongside. The common 2×2, stride-2 pool skips the split (<see cref="MaxPoolTwoByTwo"/>).
/// </summary>
internal static unsafe class MaxPool2d
{
    // input [N, C, H, W] → output [N, C, Hout, Wout], argmax [N·C·Hout·Wout]: per output, the index h·W + w of the
    // winning cell inside its input plane (the first NaN, else the first maximum, in row-major order; −1 if every
    // tap is padding or −∞).
    public static void Forward(Pool2dGeometry geometry, Tensor input, Tensor output, Span<int> argmax)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Require.Shape(input, geometry.InputShape, nameof(input));
        Require.Shape(output, geometry.OutputShape, nameof(output));
        RequireIndices(argmax, geometry.OutputShape, nameof(argmax));
        var g = geometry;
        var phases = new PoolRowPhases(g);
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        nint x = (nint)input.Pointer, y = (nint)output.Pointer;
        fixed (int* indices = argmax)
        {
            nint idx = (nint)indices;
            if (MaxPoolTwoByTwo.Applies(g))
            {
                PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane, (start, end) =>
                {
                    for (int p = start; p < end; p++)
                        MaxPoolTwoByTwo.ForwardPlane(g, (float*)x + (long)p * inPlane, (float*)y + (long)p * outPlane, (int*)idx + (long)p * outPlane);
                });
                return;
            }
            PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane * g.KernelHeight * g.KernelWidth, (start, end) =>
            {
                // One split plane, then one gathered tap [Hout·Wout].
                using var scratch = ScratchPool.Rent(g.InHeight * phases.RowLength + outPlane);
                float* split = scratch.Pointer, tap = split + g.InHeight * phases.RowLength;
                for (int p = start; p < end; p++)
                {
                    phases.Split((float*)x + (long)p * inPlane, g.InHeight, float.NegativeInfinity, split);
                    ForwardPlane(g, phases, split, tap, (float*)y + (long)p * outPlane, (int*)idx + (long)p * outPlane);
                }
            });
        }
    }

    /// <summary>
    /// input [N, C, H, W] → output [N, C, Hout, Wout], the same values as <see cref="Forward"/> without the winners
    /// (inference, where no backward pass needs them): each output row is the element-wise maximum of the kH·kW runs of
    /// the stride-phase-split input rows its taps read (<see cref="PoolRowPhases"/>), whole vectors at a time.
    /// </summary>
    public static void ForwardValues(Pool2dGeometry geometry, Tensor input, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Require.Shape(input, geometry.InputShape, nameof(input));
        Require.Shape(output, geometry.OutputShape, nameof(output));
        var g = geometry;
        var phases = new PoolRowPhases(g);
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        nint x = (nint)input.Pointer, y = (nint)output.Pointer;
        if (MaxPoolTwoByTwo.Applies(g))
        {
            // Its plane kernel is faster still; the winners go to a scratch plane nobody reads.
            PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane, (start, end) =>
            {
                using var winners = ScratchPool.Rent(outPlane);
                for (int p = start; p < end; p++)
                    MaxPoolTwoByTwo.ForwardPlane(g, (float*)x + (long)p * inPlane, (float*)y + (long)p * outPlane, (int*)winners.Pointer);
            });
            return;
        }
        PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane * g.KernelHeight * g.KernelWidth, (start, end) =>
        {
            using var scratch = ScratchPool.Rent(g.InHeight * phases.RowLength);
            for (int p = start; p < end; p++)
            {
                phases.Split((float*)x + (long)p * inPlane, g.InHeight, float.NegativeInfinity, scratch.Pointer);
                float* yPlane = (float*)y + (long)p * outPlane;
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    var yRow = new Span<float>(yPlane + oh * g.OutWidth, g.OutWidth);
                    yRow.Fill(float.NegativeInfinity);
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int h = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                        if ((uint)h >= (uint)g.InHeight) continue;
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                            MaxRun(scratch.Pointer + h * phases.RowLength + phases.TapOffset(kw), g.OutWidth, 0, 0, yPlane + oh * g.OutWidth, argmax: null);
                    }
                }
            }
        });
    }

    // gradOutput [N, C, Hout, Wout], argmax from Forward (each −1 or in [0, H·W)) → gradInput [N, C, H, W]
    // (overwritten): each output's gradient goes to the cell that won its window.
    public static void Backward(Pool2dGeometry geometry, Tensor gradOutput, ReadOnlySpan<int> argmax, Tensor gradInput)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Require.Shape(gradOutput, geometry.OutputShape, nameof(gradOutput));
        RequireIndices(argmax, geometry.OutputShape, nameof(argmax));
        Require.Shape(gradInput, geometry.InputShape, nameof(gradInput));
        ScatterToWinners(argmax, gradOutput, gradInput);
    }

    internal static void RequireIndices(ReadOnlySpan<int> indices, TensorShape output, string name)
    {
        if (indices.Length != output.Length)
            throw new ArgumentException(
                $"{name} has {indices.Length} elements; expected one per output element of {output}, {output.Length}.", name);
    }

    /// <summary>
    /// gradInput plane p = 0, then gradInput[p, argmax[o]] += gradOutput[p, o] (shared with <see cref="GlobalMaxPool"/>).
    /// Every argmax must be −1 (no winner) or a cell of the input plane; that is checked before any thread starts.
    /// </summary>
    internal static void ScatterToWinners(ReadOnlySpan<int> argmax, Tensor gradOutput, Tensor gradInput)
    {
        int planes = gradInput.Shape[0] * gradInput.Shape[1];
        int inPlane = gradInput.Length / planes, outPlane = gradOutput.Length / planes;
        for (int o = 0; o < argmax.Length; o++)
            if (argmax[o] < -1 || argmax[o] >= inPlane)
                throw new ArgumentException(
                    $"argmax[{o}] = {argmax[o]} is not a cell of the input plane of {inPlane} cells " +
                    $"({gradInput.Shape[2]}×{gradInput.Shape[3]}); expected −1 or 0 … {inPlane - 1}.", nameof(argmax));
        nint dy = (nint)gradOutput.Pointer, dx = (nint)gradInput.Pointer;
        fixed (int* indices = argmax)
        {
            nint idx = (nint)indices;
            PlaneParallel.For(planes, inPlane + outPlane, (start, end) =>
            {
                for (int p = start; p < end; p++)
                {
                    var gradIn = new Span<float>((float*)dx + (long)p * inPlane, inPlane);
                    gradIn.Clear();
                    float* gradOut = (float*)dy + (long)p * outPlane;
                    int* winners = (int*)idx + (long)p * outPlane;
                    for (int o = 0; o < outPlane; o++)
                        if (winners[o] >= 0) gradIn[winners[o]] += gradOut[o];
                }
            });
        }
    }

    /// <summary>
    /// One plane. Every window tap (kh, kw), in the window's row-major order, is gathered for all Hout·Wout outputs into
    /// one contiguous run (a row whose input row is padding gets −∞) and merged into the plane's output by one vector pass
    /// that records the tap number kh·kW + kw as the winner; the winners' tap numbers then become input-plane indices.
    /// Whole-plane runs keep the vectors full even when output rows are narrower than a vector (7 or 14 wide).
    /// </summary>
    private static void ForwardPlane(Pool2dGeometry g, PoolRowPhases phases, float* split, float* tap, float* y, int* argmax)
    {
        int outWidth = g.OutWidth, outputs = g.OutHeight * outWidth;
        new Span<float>(y, outputs).Fill(float.NegativeInfinity);
        new Span<int>(argmax, outputs).Fill(-1);
        for (int kh = 0; kh < g.KernelHeight; kh++)
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    int h = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                    var row = new Span<float>(tap + oh * outWidth, outWidth);
                    if ((uint)h >= (uint)g.InHeight) row.Fill(float.NegativeInfinity);
                    else new ReadOnlySpan<float>(split + h * phases.RowLength + phases.TapOffset(kw), outWidth).CopyTo(row);
                }
                MaxRun(tap, outputs, kh * g.KernelWidth + kw, step: 0, y, argmax);
            }
        // Tap number t of output (oh, ow) → input cell (oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW), kh = t / kW, kw = t mod kW.
        for (int oh = 0, o = 0; oh < g.OutHeight; oh++)
            for (int ow = 0; ow < outWidth; ow++, o++)
            {
                int t = argmax[o];
                if (t < 0) continue;
                int h = oh * g.StrideH - g.Padding.Top + t / g.KernelWidth * g.DilationH;
                int w = ow * g.StrideW - g.Padding.Left + t % g.KernelWidth * g.DilationW;
                argmax[o] = h * g.InWidth + w;
            }
    }

    /// <summary>
    /// For i &lt; count: if values[i] beats best[i] (is greater, or is the first NaN: see
    /// <see cref="MaxPool2dReference.Beats{T}"/>), best[i] = values[i] and argmax[i] = firstIndex + i·step (no winners
    /// are kept when <paramref name="argmax"/> is null).
    /// </summary>
    internal static void MaxRun(float* values, int count, int firstIndex, int step, float* best, int* argmax)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var index = Vector<int>.Indices * step + new Vector<int>(firstIndex);
            var advance = new Vector<int>(Vector<int>.Count * step);
            for (; i <= count - Vector<float>.Count; i += Vector<float>.Count, index += advance)
            {
                var v = Vector.Load(values + i);
                var b = Vector.Load(best + i);
                var greater = Vector.GreaterThan(v, b) | Vector.AsVectorInt32(Vector.AndNot(Vector.IsNaN(v), Vector.IsNaN(b)));
                Vector.ConditionalSelect(greater, v, b).Store(best + i);
                if (argmax != null) Vector.ConditionalSelect(greater, index, Vector.Load(argmax + i)).Store(argmax + i);
            }
        }
        for (; i < count; i++)
            if (MaxPool2dReference.Beats(values[i], best[i]))
            {
                best[i] = values[i];
                if (argmax != null) argmax[i] = firstIndex + i * step;
            }
    }
}
