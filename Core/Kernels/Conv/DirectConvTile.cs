using System.Runtime.CompilerServices;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The register tile of <see cref="DirectConv"/>: P consecutive outputs of one row (P = the type argument TPositions, up to 12)
/// for one or two blocks of L output channels (the type argument TBlocks), accumulated in P·B vector registers:
///   acc[p, b] = bias_b + Σ_(input block, tap, channel c) P[origin + tapOffset + p·L + c] · w[…, b, :],
/// one broadcast of an input value and B fused multiply-adds per (p, c), B weight loads shared by the P outputs.
/// Written once for 12 positions: each specialisation keeps only the rows TPositions and TBlocks leave alive
/// (24 accumulators at 512 bits fit the 32 vector registers; the 256-bit kernel stops at 6 positions, 12 of 16).
/// </summary>
internal static unsafe class DirectConvTile
{
    /// <summary>
    /// y[b·yBlockStride + p·L + l] = acc[p, b][l]: x at the tile's origin in block 0 of P, blocks
    /// <paramref name="blockLength"/> apart, the last holding <paramref name="lastLanes"/> channels; w the group's packed weights
    /// of those blocks. The accumulators start from the bias, or with <paramref name="accumulate"/> from y (a later slice of
    /// the input channels adding to the sums of the earlier ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVector, TPositions, TBlocks>(float* x, int* tapOffsets, int taps, int inBlocks, int blockLength, int lastLanes,
        float* w, float* bias, float* y, int yBlockStride, bool accumulate)
        where TVector : struct, IFloatVector<TVector>
        where TPositions : struct, IStaticCount
        where TBlocks : struct, IStaticCount
    {
        int L = TVector.Count;
        TVector bias0 = TVector.Load(bias), bias1 = TBlocks.Value > 1 ? TVector.Load(bias + L) : bias0;
        TVector a0 = Start<TVector>(TPositions.Value > 0 && accumulate, y + 0 * L, bias0), b0 = Start<TVector>(TPositions.Value > 0 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 0 * L, bias1);
        TVector a1 = Start<TVector>(TPositions.Value > 1 && accumulate, y + 1 * L, bias0), b1 = Start<TVector>(TPositions.Value > 1 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 1 * L, bias1);
        TVector a2 = Start<TVector>(TPositions.Value > 2 && accumulate, y + 2 * L, bias0), b2 = Start<TVector>(TPositions.Value > 2 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 2 * L, bias1);
        TVector a3 = Start<TVector>(TPositions.Value > 3 && accumulate, y + 3 * L, bias0), b3 = Start<TVector>(TPositions.Value > 3 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 3 * L, bias1);
        TVector a4 = Start<TVector>(TPositions.Value > 4 && accumulate, y + 4 * L, bias0), b4 = Start<TVector>(TPositions.Value > 4 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 4 * L, bias1);
        TVector a5 = Start<TVector>(TPositions.Value > 5 && accumulate, y + 5 * L, bias0), b5 = Start<TVector>(TPositions.Value > 5 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 5 * L, bias1);
        TVector a6 = Start<TVector>(TPositions.Value > 6 && accumulate, y + 6 * L, bias0), b6 = Start<TVector>(TPositions.Value > 6 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 6 * L, bias1);
        TVector a7 = Start<TVector>(TPositions.Value > 7 && accumulate, y + 7 * L, bias0), b7 = Start<TVector>(TPositions.Value > 7 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 7 * L, bias1);
        TVector a8 = Start<TVector>(TPositions.Value > 8 && accumulate, y + 8 * L, bias0), b8 = Start<TVector>(TPositions.Value > 8 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 8 * L, bias1);
        TVector a9 = Start<TVector>(TPositions.Value > 9 && accumulate, y + 9 * L, bias0), b9 = Start<TVector>(TPositions.Value > 9 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 9 * L, bias1);
        TVector a10 = Start<TVector>(TPositions.Value > 10 && accumulate, y + 10 * L, bias0), b10 = Start<TVector>(TPositions.Value > 10 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 10 * L, bias1);
        TVector a11 = Start<TVector>(TPositions.Value > 11 && accumulate, y + 11 * L, bias0), b11 = Start<TVector>(TPositions.Value > 11 && TBlocks.Value > 1 && accumulate, y + yBlockStride + 11 * L, bias1);
        for (int block = 0; block < inBlocks; block++)
        {
            int lanes = block == inBlocks - 1 ? lastLanes : L;
            float* xBlock = x + (long)block * blockLength;
            for (int t = 0; t < taps; t++)
            {
                float* xp = xBlock + tapOffsets[t];
                for (int c = 0; c < lanes; c++, xp++, w += 2 * L)
                {
                    TVector w0 = TVector.Load(w), w1 = TBlocks.Value > 1 ? TVector.Load(w + L) : w0, v;
                    if (TPositions.Value > 0) { v = TVector.Broadcast(xp[0 * L]); a0 = TVector.MultiplyAdd(v, w0, a0); if (TBlocks.Value > 1) b0 = TVector.MultiplyAdd(v, w1, b0); }
                    if (TPositions.Value > 1) { v = TVector.Broadcast(xp[1 * L]); a1 = TVector.MultiplyAdd(v, w0, a1); if (TBlocks.Value > 1) b1 = TVector.MultiplyAdd(v, w1, b1); }
                    if (TPositions.Value > 2) { v = TVector.Broadcast(xp[2 * L]); a2 = TVector.MultiplyAdd(v, w0, a2); if (TBlocks.Value > 1) b2 = TVector.MultiplyAdd(v, w1, b2); }
                    if (TPositions.Value > 3) { v = TVector.Broadcast(xp[3 * L]); a3 = TVector.MultiplyAdd(v, w0, a3); if (TBlocks.Value > 1) b3 = TVector.MultiplyAdd(v, w1, b3); }
                    if (TPositions.Value > 4) { v = TVector.Broadcast(xp[4 * L]); a4 = TVector.MultiplyAdd(v, w0, a4); if (TBlocks.Value > 1) b4 = TVector.MultiplyAdd(v, w1, b4); }
                    if (TPositions.Value > 5) { v = TVector.Broadcast(xp[5 * L]); a5 = TVector.MultiplyAdd(v, w0, a5); if (TBlocks.Value > 1) b5 = TVector.MultiplyAdd(v, w1, b5); }
                    if (TPositions.Value > 6) { v = TVector.Broadcast(xp[6 * L]); a6 = TVector.MultiplyAdd(v, w0, a6); if (TBlocks.Value > 1) b6 = TVector.MultiplyAdd(v, w1, b6); }
                    if (TPositions.Value > 7) { v = TVector.Broadcast(xp[7 * L]); a7 = TVector.MultiplyAdd(v, w0, a7); if (TBlocks.Value > 1) b7 = TVector.MultiplyAdd(v, w1, b7); }
                    if (TPositions.Value > 8) { v = TVector.Broadcast(xp[8 * L]); a8 = TVector.MultiplyAdd(v, w0, a8); if (TBlocks.Value > 1) b8 = TVector.MultiplyAdd(v, w1, b8); }
                    if (TPositions.Value > 9) { v = TVector.Broadcast(xp[9 * L]); a9 = TVector.MultiplyAdd(v, w0, a9); if (TBlocks.Value > 1) b9 = TVector.MultiplyAdd(v, w1, b9); }
                    if (TPositions.Value > 10) { v = TVector.Broadcast(xp[10 * L]); a10 = TVector.MultiplyAdd(v, w0, a10); if (TBlocks.Value > 1) b10 = TVector.MultiplyAdd(v, w1, b10); }
                    if (TPositions.Value > 11) { v = TVector.Broadcast(xp[11 * L]); a11 = TVector.MultiplyAdd(v, w0, a11); if (TBlocks.Value > 1) b11 = TVector.MultiplyAdd(v, w1, b11); }
                }
            }
        }
        if (TPositions.Value > 0) { a0.Store(y + 0 * L); if (TBlocks.Value > 1) b0.Store(y + yBlockStride + 0 * L); }
        if (TPositions.Value > 1) { a1.Store(y + 1 * L); if (TBlocks.Value > 1) b1.Store(y + yBlockStride + 1 * L); }
        if (TPositions.Value > 2) { a2.Store(y + 2 * L); if (TBlocks.Value > 1) b2.Store(y + yBlockStride + 2 * L); }
        if (TPositions.Value > 3) { a3.Store(y + 3 * L); if (TBlocks.Value > 1) b3.Store(y + yBlockStride + 3 * L); }
        if (TPositions.Value > 4) { a4.Store(y + 4 * L); if (TBlocks.Value > 1) b4.Store(y + yBlockStride + 4 * L); }
        if (TPositions.Value > 5) { a5.Store(y + 5 * L); if (TBlocks.Value > 1) b5.Store(y + yBlockStride + 5 * L); }
        if (TPositions.Value > 6) { a6.Store(y + 6 * L); if (TBlocks.Value > 1) b6.Store(y + yBlockStride + 6 * L); }
        if (TPositions.Value > 7) { a7.Store(y + 7 * L); if (TBlocks.Value > 1) b7.Store(y + yBlockStride + 7 * L); }
        if (TPositions.Value > 8) { a8.Store(y + 8 * L); if (TBlocks.Value > 1) b8.Store(y + yBlockStride + 8 * L); }
        if (TPositions.Value > 9) { a9.Store(y + 9 * L); if (TBlocks.Value > 1) b9.Store(y + yBlockStride + 9 * L); }
        if (TPositions.Value > 10) { a10.Store(y + 10 * L); if (TBlocks.Value > 1) b10.Store(y + yBlockStride + 10 * L); }
        if (TPositions.Value > 11) { a11.Store(y + 11 * L); if (TBlocks.Value > 1) b11.Store(y + yBlockStride + 11 * L); }
    }

    /// <summary>An accumulator's first value: y's partial sum when <paramref name="load"/> (accumulating, and a position and block the tile owns), else the bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Start<TVector>(bool load, float* y, TVector bias) where TVector : struct, IFloatVector<TVector> =>
        load ? TVector.Load(y) : bias;
}
