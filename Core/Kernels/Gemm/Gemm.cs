using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Single-precision matrix product C (=|+=) A·B, blocked the BLIS way:
///   for each KC-deep slice of K: pack B[KC × N] into NR-wide panels (row p of a panel = NR floats),
///     for each MC-tall block of A: pack it into MR-tall panels (column p of a panel = MR floats),
///       for each (NR panel, MR panel): the micro-kernel adds an MR×NR tile of C from KC rank-1 updates.
/// The micro-kernel keeps the whole C tile in registers: 8×32 floats on AVX-512 (16 zmm accumulators),
/// 6×16 on AVX2 (12 ymm accumulators). Any strides are accepted (so Aᵀ and Bᵀ need no copy);
/// see <see cref="GemmReference"/> for the exact contract.
/// </summary>
internal static unsafe class Gemm
{
    // Block sizes from the caches of the CPU (see GemmBlocking): a KC×NR panel of B stays in L1 while MC×KC of A streams
    // from L2; KC×NC of packed B is left to L2/L3.
    internal static readonly GemmBlocking Blocking = GemmBlocking.For(CpuFacts.Current, TileSize(NativeKernel).Nr);
    private static int KC => Blocking.Kc;
    private static int MC => Blocking.Mc;
    private const int NC = 1024;

    /// <summary>The widest micro-kernel family the CPU runs natively.</summary>
    public static GemmKernel NativeKernel { get; } =
        Avx512F.IsSupported ? GemmKernel.Avx512 : Fma.IsSupported && Avx2.IsSupported ? GemmKernel.Avx2 : GemmKernel.Portable;

    /// <summary>
    /// The family the kernels use: <see cref="NativeKernel"/>, unless tests pin a narrower one to cover the
    /// fallback paths on a machine that has the wider one.
    /// </summary>
    public static GemmKernel DefaultKernel { get; internal set; } = NativeKernel;

    public static void Multiply(int m, int n, int k,
        float* a, int aRowStride, int aColStride,
        float* b, int bRowStride, int bColStride,
        float* c, int ldc, bool accumulate, bool parallel = true) =>
        Multiply(DefaultKernel, m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride, c, ldc, accumulate,
            parallel);

    public static void Multiply(GemmKernel kernel, int m, int n, int k,
        float* a, int aRowStride, int aColStride,
        float* b, int bRowStride, int bColStride,
        float* c, int ldc, bool accumulate, bool parallel = true)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }

        int threads = parallel ? CnnParallel.Threads : 1;
        // Split the larger dimension into one slice per thread, in whole micro-tiles; each slice is an
        // independent product with its own packing.
        var (mr, nr) = TileSize(kernel);
        long work = (long)m * n * k;
        if (threads > 1 && work >= 64 * 64 * 64)
        {
            bool splitColumns = n / nr >= m / mr;
            int units = splitColumns ? (n + nr - 1) / nr : (m + mr - 1) / mr;
            int slices = Math.Min(threads, units);
            if (slices > 1)
            {
                nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
                CnnParallel.For(slices, s =>
                {
                    int start = (int)((long)units * s / slices), end = (int)((long)units * (s + 1) / slices);
                    if (splitColumns)
                    {
                        int j0 = start * nr, j1 = Math.Min(end * nr, n);
                        MultiplySerial(kernel, m, j1 - j0, k, (float*)pa, aRowStride, aColStride,
                            (float*)pb + (long)j0 * bColStride, bRowStride, bColStride, (float*)pc + j0, ldc, accumulate);
                    }
                    else
                    {
                        int i0 = start * mr, i1 = Math.Min(end * mr, m);
                        MultiplySerial(kernel, i1 - i0, n, k, (float*)pa + (long)i0 * aRowStride, aRowStride, aColStride,
                            (float*)pb, bRowStride, bColStride, (float*)pc + (long)i0 * ldc, ldc, accumulate);
                    }
                });
                return;
            }
        }
        MultiplySerial(kernel, m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride, c, ldc, accumulate);
    }

    internal static (int Mr, int Nr) TileSize(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => (8, 32),
        GemmKernel.Avx2 => (6, 16),
        _ => (4, 4),
    };

    private static void MultiplySerial(GemmKernel kernel, int m, int n, int k,
        float* a, int aRowStride, int aColStride,
        float* b, int bRowStride, int bColStride,
        float* c, int ldc, bool accumulate)
    {
        var (mr, nr) = TileSize(kernel);
        // Blocks of A hold whole MR panels (MC = 128 is not a multiple of the AVX2 kernel's 6 rows).
        int mcBlock = MC / mr * mr;
        int kcMax = Math.Min(k, KC), ncMax = Math.Min(RoundUp(n, nr), NC), mcMax = Math.Min(RoundUp(m, mr), mcBlock);
        using var packedB = ScratchPool.Rent(kcMax * ncMax);
        using var packedA = ScratchPool.Rent(kcMax * mcMax);
        float* tile = stackalloc float[TileScratchLength];

        for (int j0 = 0; j0 < n; j0 += NC)
        {
            int nc = Math.Min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC)
            {
                int kc = Math.Min(KC, k - p0);
                bool addToC = accumulate || p0 > 0;
                PackB(kc, nc, nr, b + (long)p0 * bRowStride + (long)j0 * bColStride, bRowStride, bColStride, packedB.Pointer);
                for (int i0 = 0; i0 < m; i0 += mcBlock)
                {
                    int mc = Math.Min(mcBlock, m - i0);
                    PackA(mc, kc, mr, a + (long)i0 * aRowStride + (long)p0 * aColStride, aRowStride, aColStride,
                        packedA.Pointer);
                    for (int j = 0; j < nc; j += nr)
                    {
                        int nrValid = Math.Min(nr, nc - j);
                        float* bPanel = packedB.Pointer + (long)j * kc;
                        for (int i = 0; i < mc; i += mr)
                        {
                            int mrValid = Math.Min(mr, mc - i);
                            float* aPanel = packedA.Pointer + (long)i * kc;
                            Tile(kernel, kc, aPanel, new PackedRows(bPanel, nr), c + (long)(i0 + i) * ldc + j0 + j, ldc,
                                mrValid, nrValid, addToC, tile);
                        }
                    }
                }
            }
        }
    }

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Packs A[mc × kc] into ⌈mc/mr⌉ panels; panel q holds, for each p, rows q·mr … q·mr+mr−1 (zero-filled).</summary>
    internal static void PackA(int mc, int kc, int mr, float* a, int rowStride, int colStride, float* dst)
    {
        // Row-major A with 8-row panels is a transpose: 8×8 blocks at a time (row offsets must fit an int).
        bool blocks = mr == 8 && colStride == 1 && Avx.IsSupported && (long)rowStride * 7 <= int.MaxValue;
        int* offsets = stackalloc int[8];
        for (int r = 0; r < 8; r++) offsets[r] = r * rowStride;
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            float* panel = a + (long)i0 * rowStride;
            int p0 = 0;
            if (blocks && rows == mr)
                for (; p0 + 8 <= kc; p0 += 8)
                    Transpose.Block8x8(panel + p0, offsets, dst + p0 * mr, mr);
            else if (rowStride == 1 && rows == mr)
            {
                // Aᵀ stored row-major: the mr values of step p are contiguous.
                for (; p0 < kc; p0++)
                    Unsafe.CopyBlockUnaligned(dst + p0 * mr, panel + (long)p0 * colStride, (uint)(mr * sizeof(float)));
            }
            for (int r = 0; r < rows; r++)
            {
                float* src = panel + (long)r * rowStride;
                for (int p = p0; p < kc; p++) dst[p * mr + r] = src[(long)p * colStride];
            }
            for (int r = rows; r < mr; r++)
                for (int p = p0; p < kc; p++) dst[p * mr + r] = 0f;
            dst += kc * mr;
        }
    }

    /// <summary>Packs B[kc × n] into ⌈n/nr⌉ panels; panel q holds, for each p, columns q·nr … q·nr+nr−1 (zero-filled).</summary>
    private static void PackB(int kc, int n, int nr, float* b, int rowStride, int colStride, float* dst)
    {
        for (int j0 = 0; j0 < n; j0 += nr)
        {
            int cols = Math.Min(nr, n - j0);
            if (colStride == 1 && cols == nr)
            {
                for (int p = 0; p < kc; p++)
                    Unsafe.CopyBlockUnaligned(dst + p * nr, b + (long)p * rowStride + j0, (uint)(nr * sizeof(float)));
            }
            else if (rowStride == 1)
            {
                // Bᵀ stored row-major: walk each source row (one column of B) contiguously.
                for (int q = 0; q < cols; q++)
                {
                    float* src = b + (long)(j0 + q) * colStride;
                    for (int p = 0; p < kc; p++) dst[p * nr + q] = src[p];
                }
                for (int q = cols; q < nr; q++)
                    for (int p = 0; p < kc; p++) dst[p * nr + q] = 0f;
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)p * rowStride + (long)j0 * colStride;
                    for (int q = 0; q < cols; q++) dst[p * nr + q] = src[(long)q * colStride];
                    for (int q = cols; q < nr; q++) dst[p * nr + q] = 0f;
                }
            }
            dst += kc * nr;
        }
    }

    /// <summary>Scratch for one MR×NR tile of any kernel family.</summary>
    internal const int TileScratchLength = 8 * 32;

    /// <summary>
    /// A tile of which only mrValid × nrValid cells exist in C: full tiles go straight to C, edge tiles are
    /// computed whole into <paramref name="scratch"/> (<see cref="TileScratchLength"/> floats) and their valid part merged.
    /// </summary>
    internal static void Tile<TRows>(GemmKernel kernel, int kc, float* a, TRows rows, float* c, int ldc,
        int mrValid, int nrValid, bool accumulate, float* scratch) where TRows : struct, IPanelRows
    {
        var (mr, nr) = TileSize(kernel);
        if (mrValid == mr && nrValid == nr)
        {
            MicroKernel(kernel, kc, a, rows, c, ldc, accumulate);
            return;
        }
        MicroKernel(kernel, kc, a, rows, scratch, nr, accumulate: false);
        for (int r = 0; r < mrValid; r++)
        {
            float* cRow = c + (long)r * ldc;
            if (accumulate) VectorMath.Add(scratch + r * nr, cRow, nrValid);
            else Unsafe.CopyBlockUnaligned(cRow, scratch + r * nr, (uint)(nrValid * sizeof(float)));
        }
    }

    /// <summary>
    /// One MR×NR tile: C (=|+=) Σ_{p &lt; kc} a[p·MR + r] · rows.Row(p)[q]. <paramref name="a"/> is a packed A
    /// panel (see <see cref="PackA"/>); B's rows may come from a packed panel or straight from memory.
    /// </summary>
    internal static void MicroKernel<TRows>(GemmKernel kernel, int kc, float* a, TRows rows, float* c, int ldc, bool accumulate)
        where TRows : struct, IPanelRows
    {
        switch (kernel)
        {
            case GemmKernel.Avx512: Kernel8x32Avx512(kc, a, rows, c, ldc, accumulate); break;
            case GemmKernel.Avx2: Kernel6x16Avx2(kc, a, rows, c, ldc, accumulate); break;
            default: Kernel4x4Portable(kc, a, rows, c, ldc, accumulate); break;
        }
    }

    /// <summary>C[8×32] (=|+=) Σ_p a[p·8 + r]·b[p·32 + q]: 16 zmm accumulators, two B vectors per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32Avx512<TRows>(int kc, float* a, TRows rows, float* c, int ldc, bool accumulate)
        where TRows : struct, IPanelRows
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        PrefetchTile(c, ldc, 8, 2);
        for (int p = 0; p < kc; p++)
        {
            float* b = rows.Row(p);
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(x, b0, c60); c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(x, b0, c70); c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            a += 8;
        }
        Store512(c, c00, c01, accumulate); c += ldc;
        Store512(c, c10, c11, accumulate); c += ldc;
        Store512(c, c20, c21, accumulate); c += ldc;
        Store512(c, c30, c31, accumulate); c += ldc;
        Store512(c, c40, c41, accumulate); c += ldc;
        Store512(c, c50, c51, accumulate); c += ldc;
        Store512(c, c60, c61, accumulate); c += ldc;
        Store512(c, c70, c71, accumulate);
    }

    /// <summary>
    /// Starts loading the C tile's cache lines while the rank-1 updates run: its rows are ldc apart (often a
    /// page or more), so without this every tile store waits for memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc, int rows, int linesPerRow)
    {
        for (int r = 0; r < rows; r++)
            for (int line = 0; line < linesPerRow; line++)
                Sse.Prefetch0(c + (long)r * ldc + line * 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> lo, Vector512<float> hi, bool accumulate)
    {
        if (accumulate)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + 16);
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    /// <summary>C[6×16] (=|+=) Σ_p a[p·6 + r]·b[p·16 + q]: 12 ymm accumulators, two B vectors per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16Avx2<TRows>(int kc, float* a, TRows rows, float* c, int ldc, bool accumulate)
        where TRows : struct, IPanelRows
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile(c, ldc, 6, 1);
        for (int p = 0; p < kc; p++)
        {
            float* b = rows.Row(p);
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += 6;
        }
        Store256(c, c00, c01, accumulate); c += ldc;
        Store256(c, c10, c11, accumulate); c += ldc;
        Store256(c, c20, c21, accumulate); c += ldc;
        Store256(c, c30, c31, accumulate); c += ldc;
        Store256(c, c40, c41, accumulate); c += ldc;
        Store256(c, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> lo, Vector256<float> hi, bool accumulate)
    {
        if (accumulate)
        {
            lo += Vector256.Load(c);
            hi += Vector256.Load(c + 8);
        }
        lo.Store(c);
        hi.Store(c + 8);
    }

    /// <summary>Scalar 4×4 tile for CPUs without AVX2/FMA.</summary>
    private static void Kernel4x4Portable<TRows>(int kc, float* a, TRows rows, float* c, int ldc, bool accumulate)
        where TRows : struct, IPanelRows
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++, a += 4)
        {
            float* b = rows.Row(p);
            for (int r = 0; r < 4; r++)
                for (int q = 0; q < 4; q++)
                    acc[r * 4 + q] += a[r] * b[q];
        }
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 4; q++)
                c[(long)r * ldc + q] = accumulate ? c[(long)r * ldc + q] + acc[r * 4 + q] : acc[r * 4 + q];
    }
}

/// <summary>Micro-kernel families of <see cref="Gemm"/>; all are tested against <see cref="GemmReference"/>.</summary>
internal enum GemmKernel
{
    Portable,
    Avx2,
    Avx512,
}

/// <summary>Where the micro-kernel finds row p (NR floats) of its B operand.</summary>
internal unsafe interface IPanelRows
{
    float* Row(int p);
}

/// <summary>Rows of a packed B panel: NR floats each, one after the other.</summary>
internal readonly unsafe struct PackedRows(float* panel, int nr) : IPanelRows
{
    public float* Row(int p) => panel + p * nr;
}

/// <summary>Rows read in place: row p starts at origin + offsets[p] (implicit GEMM over a padded image).</summary>
internal readonly unsafe struct OffsetRows(float* origin, int* offsets) : IPanelRows
{
    public float* Row(int p) => origin + offsets[p];
}
