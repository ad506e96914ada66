using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Resize of the spatial axes of [N, C, d1 … dk] (ONNX Resize, any <see cref="ResizeSampling"/>), one axis at a time: the
/// interpolation is separable, so pass a blends whole rows of the axes after a (vectorized) with the taps of axis a, from
/// x through pooled scratch into y. Backward runs the adjoint passes in reverse order, each adding a row times a tap's
/// weight into the row it read. <see cref="ResizeReference"/> is the specification.
/// </summary>
internal static unsafe class Resize
{
    // x [N, C, d1 … dk], y [N, C, e1 … ek], axes[a] from d(a+1) to e(a+1):
    //   y[n, c, j1 … jk] = Σ_{t1 … tk} Π_a w_a[j_a, t_a] · x[n, c, i_1[j1, t1], …, i_k[jk, tk]],
    //   or the extrapolation value where some j_a lies outside the input (tf_crop_and_resize; its taps have weight 0)
    public static void Forward(Tensor x, Tensor y, IReadOnlyList<ResizeTaps> axes)
    {
        Check(x.Shape, y.Shape, axes);
        using var scratch = Scratch(x.Shape, axes);
        float* from = x.Pointer;
        for (int a = 0; a < axes.Count; a++)
        {
            float* to = a == axes.Count - 1 ? y.Pointer : scratch.Pass(a);
            var (outer, inner) = Extent(x.Shape, axes, a);
            Blend((nint)from, (nint)to, outer, inner, axes[a]);
            from = to;
        }
    }

    // dy [N, C, e1 … ek], dx [N, C, d1 … dk]:  dx[…, i, …] = Σ over the taps (j, t) that read i of w[j, t]·dy[…, j, …], axis by axis
    public static void Backward(Tensor dy, Tensor dx, IReadOnlyList<ResizeTaps> axes)
    {
        Check(dx.Shape, dy.Shape, axes);
        Require.Distinct(dx, dy, nameof(dx), nameof(dy)); // dx is cleared before dy is read
        using var scratch = Scratch(dx.Shape, axes);
        float* from = dy.Pointer;
        for (int a = axes.Count - 1; a >= 0; a--)
        {
            // pass a's adjoint writes what pass a − 1 wrote in the forward direction
            float* to = a == 0 ? dx.Pointer : scratch.Pass(a - 1);
            var (outer, inner) = Extent(dx.Shape, axes, a);
            Scatter((nint)from, (nint)to, outer, inner, axes[a]);
            from = to;
        }
    }

    // from [outer, in, inner] → to [outer, out, inner]:  to[o, j] = Σ_t w[j, t]·from[o, i[j, t]]  (rows of inner values)
    private static void Blend(nint from, nint to, int outer, int inner, ResizeTaps taps)
    {
        int count = taps.Count, inSize = taps.InSize, outSize = taps.OutSize;
        PlaneParallel.For(outer, (long)outSize * inner * count, (o0, o1) =>
        {
            for (int o = o0; o < o1; o++)
            {
                float* source = (float*)from + (long)o * inSize * inner, target = (float*)to + (long)o * outSize * inner;
                for (int j = 0; j < outSize; j++)
                {
                    if (taps.Outside?[j] == true) // tf_crop_and_resize outside the input: the extrapolation value
                    {
                        new Span<float>(target + (long)j * inner, inner).Fill(taps.OutsideValue);
                        continue;
                    }
                    if (inner == 1) // the last axis: single values, no rows to vectorize
                    {
                        float sum = 0;
                        for (int t = 0; t < count; t++) sum += taps.Weight[j * count + t] * source[taps.Index[j * count + t]];
                        target[j] = sum;
                        continue;
                    }
                    var row = new Span<float>(target + (long)j * inner, inner);
                    for (int t = 0; t < count; t++)
                    {
                        var tap = new ReadOnlySpan<float>(source + (long)taps.Index[j * count + t] * inner, inner);
                        float w = taps.Weight[j * count + t];
                        if (t == 0) TensorPrimitives.Multiply(tap, w, row);
                        else TensorPrimitives.MultiplyAdd(tap, w, row, row);
                    }
                }
            }
        });
    }

    // from [outer, out, inner] → to [outer, in, inner]:  to[o, i[j, t]] += w[j, t]·from[o, j]
    private static void Scatter(nint from, nint to, int outer, int inner, ResizeTaps taps)
    {
        int count = taps.Count, inSize = taps.InSize, outSize = taps.OutSize;
        PlaneParallel.For(outer, (long)outSize * inner * count, (o0, o1) =>
        {
            new Span<float>((float*)to + (long)o0 * inSize * inner, (o1 - o0) * inSize * inner).Clear();
            for (int o = o0; o < o1; o++)
            {
                float* source = (float*)from + (long)o * outSize * inner, target = (float*)to + (long)o * inSize * inner;
                for (int j = 0; j < outSize; j++)
                    for (int t = 0; t < count; t++)
                    {
                        int i = taps.Index[j * count + t];
                        float w = taps.Weight[j * count + t];
                        if (inner == 1) target[i] += w * source[j];
                        else
                        {
                            var row = new Span<float>(target + (long)i * inner, inner);
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(source + (long)j * inner, inner), w, row, row);
                        }
                    }
            }
        });
    }

    /// <summary>Pass a's rows: outer = N·C·e1 ⋯ e(a) (axes already resized), inner = d(a+2) ⋯ dk (axes still to come).</summary>
    private static (int Outer, int Inner) Extent(TensorShape input, IReadOnlyList<ResizeTaps> axes, int a)
    {
        int outer = input[0] * input[1], inner = 1;
        for (int b = 0; b < a; b++) outer *= axes[b].OutSize;
        for (int b = a + 1; b < axes.Count; b++) inner *= axes[b].InSize;
        return (outer, inner);
    }

    private static void Check(TensorShape input, TensorShape output, IReadOnlyList<ResizeTaps> axes)
    {
        if (input.Rank != axes.Count + 2 || output.Rank != input.Rank || input[0] != output[0] || input[1] != output[1]
            || Enumerable.Range(0, axes.Count).Any(a => input[a + 2] != axes[a].InSize || output[a + 2] != axes[a].OutSize))
            throw new ArgumentException($"Resize of {input} to {output} does not match its taps ({string.Join(", ", axes.Select(t => $"{t.InSize} → {t.OutSize}"))}).");
    }

    private static PassBuffers Scratch(TensorShape input, IReadOnlyList<ResizeTaps> axes)
    {
        // the value after pass a (a < k − 1): [N, C, e1 … e(a+1), d(a+2) … dk]
        var lengths = new long[Math.Max(0, axes.Count - 1)];
        for (int a = 0; a < lengths.Length; a++)
        {
            var (outer, inner) = Extent(input, axes, a);
            lengths[a] = (long)outer * axes[a].OutSize * inner;
        }
        return new PassBuffers(lengths);
    }

    /// <summary>The values between passes, two pooled buffers used in turn (pass a writes buffer a mod 2).</summary>
    private readonly struct PassBuffers : IDisposable
    {
        private readonly ScratchBuffer _even, _odd;

        public PassBuffers(long[] lengths)
        {
            long even = lengths.Where((_, a) => a % 2 == 0).DefaultIfEmpty(0).Max(), odd = lengths.Where((_, a) => a % 2 == 1).DefaultIfEmpty(0).Max();
            if (even > 0) _even = ScratchPool.Rent(checked((int)even));
            if (odd > 0) _odd = ScratchPool.Rent(checked((int)odd));
        }

        public float* Pass(int a) => a % 2 == 0 ? _even.Pointer : _odd.Pointer;

        public void Dispose()
        {
            _even.Dispose();
            _odd.Dispose();
        }
    }
}
