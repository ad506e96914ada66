namespace MLNet.Cnn.Augment;

/// <summary>What the <see cref="Resampler"/> reads for a source pixel outside its window.</summary>
internal enum Border
{
    /// <summary>The fill value (class 0 for masks): rotations, shears, warps that uncover the outside.</summary>
    Fill,
    /// <summary>The nearest pixel of the window: resizing a crop (PyTorch's interpolate, which never reads outside).</summary>
    Clamp,
}

/// <summary>
/// The one resampling routine of the non-exact geometric ops (affine, resized crop, elastic). Output pixel (i, j) reads
/// the source position (x, y) = map(i, j) of its centre; with source pixel (r, c) centred at (c + ½, r + ½):
///   image, bilinear:  u = x − ½, v = y − ½, c0 = ⌊u⌋, r0 = ⌊v⌋, λ = u − c0, μ = v − r0,
///                     value = (1 − μ)·[(1 − λ)·p(r0, c0) + λ·p(r0, c0 + 1)] + μ·[(1 − λ)·p(r0 + 1, c0) + λ·p(r0 + 1, c0 + 1)]
///   mask, nearest:    the class of the pixel containing (x, y): (⌊y⌋, ⌊x⌋)
/// where p reads outside the source window as <see cref="Border"/> says. This is grid_sample(align_corners=False) for
/// the affine ops and F.interpolate(bilinear, align_corners=False, antialias=False) for a resize; a mask's nearest
/// pixel is the one under the centre (torchvision's NEAREST_EXACT). Taps are computed once per pixel for all channels.
/// </summary>
internal static class Resampler
{
    /// <summary>A source rectangle [Top, Top + Height) × [Left, Left + Width) of whole pixels.</summary>
    public readonly record struct Window(int Top, int Left, int Height, int Width);

    /// <summary>Resamples the pixels (and the mask, if any) of a sample to outHeight × outWidth; the targets are the caller's.</summary>
    public static void Apply<TMap>(AugmentationSample sample, in TMap map, int outHeight, int outWidth, Window window,
        Border border, float fill) where TMap : ISourceMap
    {
        if (sample.Mask is { } mask) sample.Mask = Nearest(mask, sample.Width, map, outHeight, outWidth, window, border);
        Bilinear(sample.Pixels, sample.Channels, sample.Height, sample.Width, sample.Scratch(outHeight, outWidth),
            map, outHeight, outWidth, window, border, fill);
        sample.Swap(outHeight, outWidth);
    }

    // source [C, H, W], target [C, outHeight, outWidth]
    public static void Bilinear<TMap>(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> target,
        in TMap map, int outHeight, int outWidth, Window window, Border border, float fill) where TMap : ISourceMap
    {
        int plane = height * width, outPlane = outHeight * outWidth;
        for (int i = 0; i < outHeight; i++)
            for (int j = 0; j < outWidth; j++)
            {
                var (x, y) = map.SourceOf(i, j);
                double u = x - 0.5, v = y - 0.5, c0 = Math.Floor(u), r0 = Math.Floor(v);
                float lambda = (float)(u - c0), mu = (float)(v - r0);
                int top = Tap(r0, window.Top, window.Height, border), bottom = Tap(r0 + 1, window.Top, window.Height, border);
                int left = Tap(c0, window.Left, window.Width, border), right = Tap(c0 + 1, window.Left, window.Width, border);
                for (int c = 0; c < channels; c++)
                {
                    var p = source.Slice(c * plane, plane);
                    float upper = (1 - lambda) * Read(p, top, left, width, fill) + lambda * Read(p, top, right, width, fill);
                    float lower = (1 - lambda) * Read(p, bottom, left, width, fill) + lambda * Read(p, bottom, right, width, fill);
                    target[c * outPlane + i * outWidth + j] = (1 - mu) * upper + mu * lower;
                }
            }
    }

    // mask [H, W] → [outHeight, outWidth], class 0 outside under Border.Fill
    public static int[] Nearest<TMap>(ReadOnlySpan<int> mask, int width, in TMap map, int outHeight, int outWidth,
        Window window, Border border) where TMap : ISourceMap
    {
        var target = new int[outHeight * outWidth];
        for (int i = 0; i < outHeight; i++)
            for (int j = 0; j < outWidth; j++)
            {
                var (x, y) = map.SourceOf(i, j);
                int r = Tap(Math.Floor(y), window.Top, window.Height, border);
                int c = Tap(Math.Floor(x), window.Left, window.Width, border);
                target[i * outWidth + j] = r == AxisGather.Outside || c == AxisGather.Outside ? 0 : mask[r * width + c];
            }
        return target;
    }

    /// <summary>The source index of a tap along one axis of the window, or <see cref="AxisGather.Outside"/>.</summary>
    private static int Tap(double index, int start, int count, Border border)
    {
        double last = start + count - 1;
        if (border == Border.Clamp) return (int)Math.Clamp(index, start, last);
        return index >= start && index <= last ? (int)index : AxisGather.Outside;
    }

    private static float Read(ReadOnlySpan<float> plane, int row, int column, int width, float fill) =>
        row == AxisGather.Outside || column == AxisGather.Outside ? fill : plane[row * width + column];
}
