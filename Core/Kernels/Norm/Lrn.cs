using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Local response normalization across channels; the fast version of <see cref="LrnReference"/> (see there for
/// the formula and the window). Work items are (batch item, tile of spatial positions), run in parallel; within
/// a tile every channel is a contiguous run, so each step is a vector operation over the tile.
/// </summary>
internal static unsafe class Lrn
{
    private const int Tile = 256;

    // input [N, C, H, W] → output [N, C, H, W] (separate from input: channel c is read by the windows of c ± size/2)
    public static void Forward(Tensor input, Tensor output, int size, float alpha, float beta, float k)
    {
        var layout = Validate(input, output, nameof(output), size, alpha, beta, k);
        Require.Distinct(output, input, nameof(output), nameof(input));
        nint x = (nint)input.Pointer, y = (nint)output.Pointer;
        PlaneParallel.For(layout.Items, (long)layout.Channels * Tile * (size + 2), (start, end) =>
        {
            using var scratch = ScratchPool.Rent(Tile);
            for (int item = start; item < end; item++)
            {
                var (offset, length) = layout.Locate(item);
                var s = scratch.Span[..length];
                for (int c = 0; c < layout.Channels; c++)
                {
                    Base(layout, (float*)x + offset, c, size, alpha, k, s);
                    Power(s, -beta, s);
                    TensorPrimitives.Multiply(layout.Run(x, offset, c, length), s, layout.Run(y, offset, c, length));
                }
            }
        });
    }

    // input, gradOutput [N, C, H, W] → gradInput [N, C, H, W] (overwritten; separate from input and gradOutput):
    //   gradInput_j = dy_j·s_j^(−β) − (2αβ/size)·a_j·Σ_{c : j ∈ W(c)} dy_c·a_c·s_c^(−β−1).
    public static void Backward(Tensor input, Tensor gradOutput, Tensor gradInput, int size, float alpha, float beta,
        float k)
    {
        var layout = Validate(input, gradOutput, nameof(gradOutput), size, alpha, beta, k);
        Require.SameShape(gradInput, input, nameof(gradInput), nameof(input));
        Require.Distinct(gradInput, input, nameof(gradInput), nameof(input));
        Require.Distinct(gradInput, gradOutput, nameof(gradInput), nameof(gradOutput));
        nint x = (nint)input.Pointer, dy = (nint)gradOutput.Pointer, dx = (nint)gradInput.Pointer;
        int channels = layout.Channels, before = (size - 1) / 2, after = size / 2;
        float coefficient = -2f * alpha * beta / size;
        PlaneParallel.For(layout.Items, (long)channels * Tile * (size + 6), (start, end) =>
        {
            // s, s^(−β), then t_c = dy_c·a_c·s_c^(−β−1) for every channel of the tile.
            using var scratch = ScratchPool.Rent((channels + 2) * Tile);
            for (int item = start; item < end; item++)
            {
                var (offset, length) = layout.Locate(item);
                var s = scratch.Span[..length];
                var power = scratch.Span.Slice(Tile, length);
                for (int c = 0; c < channels; c++)
                {
                    var t = scratch.Span.Slice((c + 2) * Tile, length);
                    var gradOut = layout.Run(dy, offset, c, length);
                    Base(layout, (float*)x + offset, c, size, alpha, k, s);
                    Power(s, -beta, power);
                    TensorPrimitives.Multiply(gradOut, power, layout.Run(dx, offset, c, length));
                    TensorPrimitives.Multiply(gradOut, layout.Run(x, offset, c, length), t);
                    TensorPrimitives.Multiply(t, power, t);
                    TensorPrimitives.Divide(t, s, t);
                }
                // j ∈ W(c) ⇔ c ∈ [j − after, j + before]; s is reused as the sum of t over that range.
                for (int j = 0; j < channels; j++)
                {
                    s.Clear();
                    for (int c = Math.Max(0, j - after); c <= Math.Min(channels - 1, j + before); c++)
                        TensorPrimitives.Add(s, scratch.Span.Slice((c + 2) * Tile, length), s);
                    TensorPrimitives.Multiply(s, layout.Run(x, offset, j, length), s);
                    var gradIn = layout.Run(dx, offset, j, length);
                    TensorPrimitives.MultiplyAdd(s, coefficient, gradIn, gradIn);
                }
            }
        });
    }

    /// <summary>s = k + α/size · Σ_{c' ∈ W(c)} a_{c'}² over one tile; <paramref name="tile"/> points at channel 0.</summary>
    private static void Base(TileLayout layout, float* tile, int c, int size, float alpha, float k, Span<float> s)
    {
        s.Clear();
        int last = Math.Min(layout.Channels - 1, c + size / 2);
        for (int j = Math.Max(0, c - (size - 1) / 2); j <= last; j++)
        {
            var a = new ReadOnlySpan<float>(tile + (long)j * layout.PlaneSize, s.Length);
            TensorPrimitives.MultiplyAdd(a, a, s, s);
        }
        TensorPrimitives.Multiply(s, alpha / size, s);
        TensorPrimitives.Add(s, k, s);
    }

    /// <summary>dst = s^exponent for s &gt; 0, as exp(exponent·ln s): TensorPrimitives vectorizes Log and Exp but not Pow.</summary>
    private static void Power(ReadOnlySpan<float> s, float exponent, Span<float> dst)
    {
        TensorPrimitives.Log(s, dst);
        TensorPrimitives.Multiply(dst, exponent, dst);
        TensorPrimitives.Exp(dst, dst);
    }

    private static TileLayout Validate(Tensor input, Tensor sameShape, string sameShapeName, int size, float alpha,
        float beta, float k)
    {
        Require.Rank(input, 4, nameof(input));
        Require.SameShape(sameShape, input, sameShapeName, nameof(input));
        CheckParameters(size, alpha, beta, k);
        return new TileLayout(input.Shape);
    }

    /// <summary>The hyper-parameter checks, shared with <see cref="Layers.LrnLayer"/>'s constructor.</summary>
    internal static void CheckParameters(int size, float alpha, float beta, float k)
    {
        Require.Positive(size, nameof(size));
        if (!(alpha >= 0f && float.IsFinite(alpha)))
            throw new ArgumentException($"alpha must be non-negative and finite; {alpha} was given.", nameof(alpha));
        if (!float.IsFinite(beta))
            throw new ArgumentException($"beta must be finite; {beta} was given.", nameof(beta));
        if (!(k > 0f && float.IsFinite(k)))
            throw new ArgumentException($"k must be positive and finite (it keeps the base above zero); {k} was given.", nameof(k));
    }

    /// <summary>Work items of an [N, C, H, W] tensor: batch item n × tile of up to <see cref="Tile"/> spatial positions.</summary>
    private readonly struct TileLayout(TensorShape shape)
    {
        public int Channels { get; } = shape[1];
        public int PlaneSize { get; } = shape[2] * shape[3];
        private int TilesPerItem => (PlaneSize + Tile - 1) / Tile;
        public int Items => shape[0] * TilesPerItem;

        /// <summary>Offset of the item's channel-0 run in the tensor, and its length.</summary>
        public (long Offset, int Length) Locate(int item)
        {
            int n = item / TilesPerItem, first = item % TilesPerItem * Tile;
            return ((long)n * Channels * PlaneSize + first, Math.Min(Tile, PlaneSize - first));
        }

        public Span<float> Run(nint tensor, long offset, int c, int length) =>
            new((float*)tensor + offset + (long)c * PlaneSize, length);
    }
}
