using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The common max pool — 2×2 windows, stride 2, no padding or dilation, every window inside the image — without the
/// stride-phase split of <see cref="MaxPool2d"/>: each output row reads its two input rows, de-interleaves them into
/// even and odd columns and merges the four window cells of 8 (or 4) outputs per vector, in the window's row-major order
/// with the rule of <see cref="MaxPool2dReference.Beats{T}"/> (first NaN, else first maximum; −1 if every cell is −∞).
/// A row's last outputs are done by a vector step that overlaps the previous one (recomputing equal values), since a
/// scalar tail, whose winner is an unpredictable branch per cell, cost ten times the vector steps.
/// </summary>
internal static unsafe class MaxPoolTwoByTwo
{
    public static bool Applies(Pool2dGeometry g) =>
        g is { KernelHeight: 2, KernelWidth: 2, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1 } && g.Padding == default
        && 2 * g.OutHeight <= g.InHeight && 2 * g.OutWidth <= g.InWidth && Vector256.IsHardwareAccelerated;

    // x: one input plane [H, W]; y, argmax: its output plane [Hout, Wout]; argmax holds h·W + w of each winner.
    public static void ForwardPlane(Pool2dGeometry g, float* x, float* y, int* argmax)
    {
        int width = g.InWidth, outWidth = g.OutWidth;
        for (int oh = 0; oh < g.OutHeight; oh++, y += outWidth, argmax += outWidth)
        {
            var row = new OutputRow(x, 2 * oh * width, width, y, argmax);
            if (outWidth >= 8)
            {
                int ow = 0;
                for (; ow + 8 <= outWidth; ow += 8) row.Eight(ow);
                if (ow < outWidth) row.Eight(outWidth - 8);
            }
            else if (outWidth >= 4)
            {
                row.Four(0);
                row.Four(outWidth - 4);
            }
            else
                for (int ow = 0; ow < outWidth; ow++) row.One(ow);
        }
    }

    /// <summary>One output row: its top input row starts at cell <c>top</c> of the plane, the bottom row one width later.</summary>
    private readonly struct OutputRow(float* plane, int top, int width, float* y, int* argmax)
    {
        /// <summary>Outputs ow … ow + 7 from 16 columns of each input row.</summary>
        public void Eight(int ow)
        {
            var (topEven, topOdd) = Deinterleave(plane + top + 2 * ow);
            var (bottomEven, bottomOdd) = Deinterleave(plane + top + width + 2 * ow);
            var (best, winner) = Window(topEven, topOdd, bottomEven, bottomOdd, ow);
            best.Store(y + ow);
            winner.Store(argmax + ow);
        }

        /// <summary>Outputs ow … ow + 3 from 8 columns of each input row (both halves of the vectors hold the same 4).</summary>
        public void Four(int ow)
        {
            var topCells = Vector256.Shuffle(Vector256.Load(plane + top + 2 * ow), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
            var bottomCells = Vector256.Shuffle(Vector256.Load(plane + top + width + 2 * ow), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
            var (best, winner) = Window(Vector256.Create(topCells.GetLower(), topCells.GetLower()), Vector256.Create(topCells.GetUpper(), topCells.GetUpper()),
                Vector256.Create(bottomCells.GetLower(), bottomCells.GetLower()), Vector256.Create(bottomCells.GetUpper(), bottomCells.GetUpper()), ow);
            best.GetLower().Store(y + ow);
            winner.GetLower().Store(argmax + ow);
        }

        /// <summary>Output ow alone (rows narrower than 4 outputs).</summary>
        public void One(int ow)
        {
            float best = float.NegativeInfinity;
            int winner = -1;
            for (int cell = top + 2 * ow, k = 0; k < 4; k++, cell += k == 2 ? width - 1 : 1) // the cells in row-major order
                if (MaxPool2dReference.Beats(plane[cell], best)) (best, winner) = (plane[cell], cell);
            y[ow] = best;
            argmax[ow] = winner;
        }

        /// <summary>The four cells of 8 windows starting at output ow, merged in row-major order.</summary>
        private (Vector256<float> Best, Vector256<int> Winner) Window(Vector256<float> topEven, Vector256<float> topOdd,
            Vector256<float> bottomEven, Vector256<float> bottomOdd, int ow)
        {
            var columns = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(2 * ow);
            var best = Vector256.Create(float.NegativeInfinity);
            var winner = Vector256.Create(-1);
            Merge(topEven, columns + Vector256.Create(top), ref best, ref winner);
            Merge(topOdd, columns + Vector256.Create(top + 1), ref best, ref winner);
            Merge(bottomEven, columns + Vector256.Create(top + width), ref best, ref winner);
            Merge(bottomOdd, columns + Vector256.Create(top + width + 1), ref best, ref winner);
            return (best, winner);
        }
    }

    /// <summary>16 consecutive values → (the 8 at even offsets, the 8 at odd offsets).</summary>
    /// <remarks>The shuffle's indices must be constants where it is used: only then does the JIT emit one permute instruction.</remarks>
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* values)
    {
        var low = Vector256.Shuffle(Vector256.Load(values), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));      // [0 2 4 6 | 1 3 5 7]
        var high = Vector256.Shuffle(Vector256.Load(values + 8), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7)); // [8 10 12 14 | 9 11 13 15]
        return (Vector256.Create(low.GetLower(), high.GetLower()), Vector256.Create(low.GetUpper(), high.GetUpper()));
    }

    /// <summary>Where <paramref name="values"/> beat <paramref name="best"/> (greater, or the first NaN), take them and their cell indices.</summary>
    private static void Merge(Vector256<float> values, Vector256<int> cells, ref Vector256<float> best, ref Vector256<int> winner)
    {
        var beats = Vector256.GreaterThan(values, best) | Vector256.AndNot(Vector256.IsNaN(values), Vector256.IsNaN(best));
        best = Vector256.ConditionalSelect(beats, values, best);
        winner = Vector256.ConditionalSelect(beats.AsInt32(), cells, winner);
    }
}
