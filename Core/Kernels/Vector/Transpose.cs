using System.Runtime.Intrinsics.X86;

namespace MLNet.Cnn.Kernels;

/// <summary>Moves 8×8 blocks of floats between rows and columns with AVX (callers check <see cref="Avx.IsSupported"/>).</summary>
internal static unsafe class Transpose
{
    /// <summary>
    /// (dst + k·dstStride)[r] = (x + offsets[r])[k] for r, k &lt; 8: eight rows of eight floats turned into eight
    /// columns with the classic unpack / shuffle / 128-bit-lane permute sequence.
    /// </summary>
    public static void Block8x8(float* x, int* offsets, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(x + offsets[0]); var r1 = Avx.LoadVector256(x + offsets[1]);
        var r2 = Avx.LoadVector256(x + offsets[2]); var r3 = Avx.LoadVector256(x + offsets[3]);
        var r4 = Avx.LoadVector256(x + offsets[4]); var r5 = Avx.LoadVector256(x + offsets[5]);
        var r6 = Avx.LoadVector256(x + offsets[6]); var r7 = Avx.LoadVector256(x + offsets[7]);
        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], …
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // Quads: u0 = column 0 of rows 0–3 | column 4 of rows 0–3, …
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join the 128-bit halves: column k of rows 0–3 with column k of rows 4–7.
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
