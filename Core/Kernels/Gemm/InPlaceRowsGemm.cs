using System.Runtime.Intrinsics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// C [m, columns] (=) A [m, k] · B [k, columns] with A packed once over its whole depth (<c>PackGroups</c>:
/// panel q holds A's rows q·MR … q·MR+MR−1 as [k][MR]) and B never packed: its row p is read in place at
/// origin + offsets[p] (<see cref="OffsetRows"/>), column j at + j. A padded image with shifted rows (the implicit
/// GEMM) and a plain row-major matrix (offsets[p] = p·ld) are both such a B.
/// Columns go in NR-wide windows; the last window may run past <c>columns</c>: it is computed whole into the tile
/// scratch and only its valid columns are written, so B must stay readable NR − 1 floats past its last column.
/// For each KC slice of k, the slice of A (m × KC) stays in L2 while the windows pass; within a window its B rows
/// (KC × NR floats) stay in L1 while every MR panel of A sweeps over them.
/// </summary>
internal static unsafe class InPlaceRowsGemm
{
    /// <summary>
    /// Packs A of each of <paramref name="groups"/> groups (group g's m × k block at a + g·groupStride, element (i, p) at
    /// i·rowStride + p·colStride) into MR-row panels over the whole depth: group g's panels start at g·PackedLength(m, k).
    /// With <paramref name="rowScale"/> (g·m + i for row i of group g) each row is multiplied by its scale on the way, the
    /// same float products as scaling A first (a batch norm folded into the weights as they are packed).
    /// </summary>
    public static ScratchBuffer PackGroups(GemmKernel kernel, int groups, int m, int k, float* a, int rowStride, int colStride, long groupStride,
        float* rowScale = null, WeightPackCache? cache = null)
    {
        long length = PackedLength(kernel, m, k);
        var key = (nameof(InPlaceRowsGemm), kernel, groups, m, k, rowStride, colStride);
        var source = new WeightPackSource(a, groups * groupStride, rowScale, null, groups * m);
        return WeightPackCache.Pack(cache, key, source, checked((int)(groups * length)),
            packed => PackGroups(kernel, groups, m, k, a, rowStride, colStride, groupStride, rowScale, packed));
    }

    private static void PackGroups(GemmKernel kernel, int groups, int m, int k, float* a, int rowStride, int colStride, long groupStride,
        float* rowScale, float* packed)
    {
        int mr = Gemm.TileSize(kernel).Mr, panels = (m + mr - 1) / mr;
        long length = PackedLength(kernel, m, k);
        // The panels of all groups, split over the threads when there is enough to move (a 512-channel 3×3 layer packs 9 MB).
        int units = groups * panels, slices = groups * length >= 1 << 16 ? Math.Min(CnnParallel.Threads, units) : 1;
        nint source = (nint)a, destination = (nint)packed, scales = (nint)rowScale;
        CnnParallel.For(slices, s =>
        {
            for (int unit = units * s / slices; unit < units * (s + 1) / slices; unit++)
            {
                int group = unit / panels, i0 = unit % panels * mr, rows = Math.Min(mr, m - i0);
                float* panel = (float*)destination + group * length + (long)i0 * k;
                Gemm.PackA(rows, k, mr, (float*)source + group * groupStride + (long)i0 * rowStride, rowStride, colStride, panel);
                if (scales != 0) ScalePanel(panel, k, mr, rows, (float*)scales + group * m + i0);
            }
        });
    }

    /// <summary>panel[p·mr + r] ·= scale[r] for r &lt; rows (the zero rows past them stay zero).</summary>
    private static void ScalePanel(float* panel, int k, int mr, int rows, float* scale)
    {
        if (mr == 8 && Vector256.IsHardwareAccelerated)
        {
            float* padded = stackalloc float[8];
            for (int r = 0; r < 8; r++) padded[r] = r < rows ? scale[r] : 0f;
            var factors = Vector256.Load(padded);
            for (int p = 0; p < k; p++) (Vector256.Load(panel + p * 8) * factors).Store(panel + p * 8);
            return;
        }
        for (int p = 0; p < k; p++)
            for (int r = 0; r < rows; r++) panel[p * mr + r] *= scale[r];
    }

    /// <summary>Floats of one group's packed A: ⌈m/MR⌉ panels of k × MR.</summary>
    public static long PackedLength(GemmKernel kernel, int m, int k)
    {
        int mr = Gemm.TileSize(kernel).Mr;
        return (long)(m + mr - 1) / mr * mr * k;
    }

    /// <summary>
    /// C = A · B over all columns; with <paramref name="parallel"/> the threads split the windows of B when B has more
    /// columns than A has rows, else the MR panels of A (either way the other when there are fewer of those than threads).
    /// </summary>
    public static void Multiply(GemmKernel kernel, int m, int k, float* packedA, float* origin, int* offsets,
        float* c, int ldc, int columns, bool parallel)
    {
        var (mr, nr) = Gemm.TileSize(kernel);
        int windows = (columns + nr - 1) / nr, panels = (m + mr - 1) / mr;
        int threads = parallel ? CnnParallel.Threads : 1;
        if (threads <= 1 || (long)m * k * columns < 64 * 64 * 64)
        {
            Windows(kernel, 0, m, k, packedA, origin, offsets, c, ldc, columns, 0, windows);
            return;
        }
        nint a = (nint)packedA, b = (nint)origin, offs = (nint)offsets, cc = (nint)c;
        // Each thread reads all of the operand that is not split: split the larger one. Splitting A's panels (a chunk of
        // small maps: 512 × 4608 weights against 128 columns) measured 2–12 % faster than splitting its windows.
        bool byWindows = columns >= m ? windows >= threads : panels < threads;
        if (byWindows)
        {
            int slices = Math.Min(threads, windows);
            CnnParallel.For(slices, s => Windows(kernel, 0, m, k, (float*)a, (float*)b, (int*)offs, (float*)cc, ldc, columns,
                windows * s / slices, windows * (s + 1) / slices));
        }
        else
        {
            int slices = Math.Min(threads, panels);
            CnnParallel.For(slices, s =>
            {
                int i0 = panels * s / slices * mr, i1 = Math.Min(m, panels * (s + 1) / slices * mr);
                Windows(kernel, i0, i1, k, (float*)a, (float*)b, (int*)offs, (float*)cc, ldc, columns, 0, windows);
            });
        }
    }

    /// <summary>Rows [i0, i1) of C (i0 a multiple of MR) over windows [w0, w1).</summary>
    private static void Windows(GemmKernel kernel, int i0, int i1, int k, float* packedA, float* origin, int* offsets,
        float* c, int ldc, int columns, int w0, int w1)
    {
        var (mr, nr) = Gemm.TileSize(kernel);
        int kcBlock = Gemm.Blocking.Kc;
        float* tile = stackalloc float[Gemm.TileScratchLength];
        for (int p0 = 0; p0 < k; p0 += kcBlock)
        {
            int kc = Math.Min(kcBlock, k - p0);
            for (int window = w0; window < w1; window++)
            {
                var rows = new OffsetRows(origin + window * nr, offsets + p0);
                for (int i = i0; i < i1; i += mr)
                    Gemm.Tile(kernel, kc, packedA + (long)i * k + (long)p0 * mr, rows, c + (long)i * ldc + window * nr, ldc,
                        Math.Min(mr, i1 - i), Math.Min(nr, columns - window * nr), accumulate: p0 > 0, tile);
            }
        }
    }
}
