using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// 2-D max pooling, the fast version of <see cref="MaxPool2dReference"/>. Planes (n, c) run in parallel; each
/// input plane is split into stride phases (<see cref="PoolRowPhases"/>, padding = −∞) so every window tap is a
/// vector max over a whole output row, tracking the winning index alongside.
/// </summary>
public static unsafe class MaxPool2d
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
            PlaneParallel.For(g.Batch * g.Channels, inPlane + outPlane * g.KernelHeight * g.KernelWidth, (start, end) =>
            {
                using var split = ScratchPool.Rent(g.InHeight * phases.RowLength);
                for (int p = start; p < end; p++)
                {
                    phases.Split((float*)x + (long)p * inPlane, g.InHeight, float.NegativeInfinity, split.Pointer);
                    ForwardPlane(g, phases, split.Pointer, (float*)y + (long)p * outPlane, (int*)idx + (long)p * outPlane);
                }
            });
        }
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

    private static void ForwardPlane(Pool2dGeometry g, PoolRowPhases phases, float* split, float* y, int* argmax)
    {
        int outWidth = g.OutWidth;
        for (int oh = 0; oh < g.OutHeight; oh++, y += outWidth, argmax += outWidth)
        {
            new Span<float>(y, outWidth).Fill(float.NegativeInfinity);
            new Span<int>(argmax, outWidth).Fill(-1);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int h = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                if ((uint)h >= (uint)g.InHeight) continue;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                    MaxRun(split + h * phases.RowLength + phases.TapOffset(kw), outWidth,
                        h * g.InWidth + kw * g.DilationW - g.Padding.Left, g.StrideW, y, argmax);
            }
        }
    }

    /// <summary>
    /// For i &lt; count: if values[i] beats best[i] (is greater, or is the first NaN: see
    /// <see cref="MaxPool2dReference.Beats{T}"/>), best[i] = values[i] and argmax[i] = firstIndex + i·step.
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
                Vector.ConditionalSelect(greater, index, Vector.Load(argmax + i)).Store(argmax + i);
            }
        }
        for (; i < count; i++)
            if (MaxPool2dReference.Beats(values[i], best[i]))
            {
                best[i] = values[i];
                argmax[i] = firstIndex + i * step;
            }
    }
}
