using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Where RoIAlign samples one RoI (torchvision's roi_align kernel): the RoI in feature-map coordinates,
/// start = corner·scale − offset (offset ½ when aligned), its size (at least 1 when not aligned), the bin size
/// size / output size, and a grid of GridHeight × GridWidth samples per bin at
/// y = startY + ph·binHeight + (iy + ½)·binHeight / GridHeight (x alike). A bin averages its samples.
/// </summary>
internal readonly struct RoIFrame<T> where T : IFloatingPointIeee754<T>
{
    public RoIFrame(ReadOnlySpan<T> roi, RoIAlignOptions options)
    {
        T scale = T.CreateChecked(options.SpatialScale);
        T offset = options.Aligned ? T.CreateChecked(0.5) : T.Zero;
        BatchIndex = int.CreateTruncating(roi[0]);
        StartX = roi[1] * scale - offset;
        StartY = roi[2] * scale - offset;
        T width = roi[3] * scale - offset - StartX, height = roi[4] * scale - offset - StartY;
        if (!options.Aligned)
        {
            width = T.Max(width, T.One);
            height = T.Max(height, T.One);
        }
        BinWidth = width / T.CreateChecked(options.OutputWidth);
        BinHeight = height / T.CreateChecked(options.OutputHeight);
        GridWidth = options.SamplingRatio > 0 ? options.SamplingRatio : int.CreateTruncating(T.Ceiling(width / T.CreateChecked(options.OutputWidth)));
        GridHeight = options.SamplingRatio > 0 ? options.SamplingRatio : int.CreateTruncating(T.Ceiling(height / T.CreateChecked(options.OutputHeight)));
    }

    public int BatchIndex { get; }
    public T StartX { get; }
    public T StartY { get; }
    public T BinWidth { get; }
    public T BinHeight { get; }
    public int GridWidth { get; }
    public int GridHeight { get; }

    /// <summary>The number a bin's sum is divided by: its samples, at least 1 (a zero-size aligned RoI has none).</summary>
    public int SamplesPerBin => Math.Max(GridHeight * GridWidth, 1);

    public T SampleY(int ph, int iy) =>
        StartY + T.CreateChecked(ph) * BinHeight + (T.CreateChecked(iy) + T.CreateChecked(0.5)) * BinHeight / T.CreateChecked(GridHeight);

    public T SampleX(int pw, int ix) =>
        StartX + T.CreateChecked(pw) * BinWidth + (T.CreateChecked(ix) + T.CreateChecked(0.5)) * BinWidth / T.CreateChecked(GridWidth);

    /// <summary>
    /// Checks [K, 5] rois rows (batch index, x1, y1, x2, y2): an integral batch index below <paramref name="batch"/>,
    /// finite corners with x1 ≤ x2 and y1 ≤ y2. Returns K.
    /// </summary>
    public static int CheckRois(ReadOnlySpan<T> rois, int batch, string name)
    {
        if (rois.Length % 5 != 0)
            throw new ArgumentException(
                $"{name} must hold 5 numbers (batch index, x1, y1, x2, y2) per RoI; its length {rois.Length} is not a multiple of 5.", name);
        int count = rois.Length / 5;
        for (int k = 0; k < count; k++)
        {
            T index = rois[5 * k];
            if (!(index >= T.Zero && index < T.CreateChecked(batch) && T.IsInteger(index)))
                throw new ArgumentException($"{name}: RoI {k} has batch index {index}; expected an integer in [0, {batch}).", name);
            BoxCheck.Corners(rois.Slice(5 * k + 1, 4), name, $"RoI {k}");
        }
        return count;
    }
}

/// <summary>
/// RoIAlign's bilinear interpolation at (y, x) on an H × W plane, as torchvision's: a point beyond one cell outside the
/// map (y &lt; −1, y &gt; H, x &lt; −1 or x &gt; W) contributes nothing; otherwise coordinates are clamped to [0, H − 1] ×
/// [0, W − 1] and the four neighbouring cells weighted (1 − ly)(1 − lx), (1 − ly)lx, ly(1 − lx), ly·lx.
/// </summary>
internal readonly record struct BilinearTaps<T>(int Low, int LowRight, int High, int HighRight, T W1, T W2, T W3, T W4)
    where T : IFloatingPointIeee754<T>
{
    /// <summary>The four taps (offsets in the plane and weights), or false for a point outside the map.</summary>
    public static bool TryCreate(T y, T x, int height, int width, out BilinearTaps<T> taps)
    {
        taps = default;
        if (y < -T.One || y > T.CreateChecked(height) || x < -T.One || x > T.CreateChecked(width)) return false;
        y = T.Max(y, T.Zero);
        x = T.Max(x, T.Zero);
        var (yLow, yHigh, ly) = Neighbours(y, height);
        var (xLow, xHigh, lx) = Neighbours(x, width);
        T hy = T.One - ly, hx = T.One - lx;
        taps = new BilinearTaps<T>(yLow * width + xLow, yLow * width + xHigh, yHigh * width + xLow, yHigh * width + xHigh,
            hy * hx, hy * lx, ly * hx, ly * lx);
        return true;
    }

    // The cells below and above a clamped coordinate and its fraction past the lower one (0 on the last cell).
    private static (int Low, int High, T Fraction) Neighbours(T coordinate, int size)
    {
        int low = int.CreateTruncating(coordinate);
        if (low >= size - 1) return (size - 1, size - 1, T.Zero);
        return (low, low + 1, coordinate - T.CreateChecked(low));
    }
}
