namespace MLNet.Cnn.Augment;

/// <summary>
/// One image being augmented, and the targets that must move with it. The image is planar float pixels [C, H, W]; an
/// op may change its size (crops). Coordinates are continuous pixel units: pixel (row i, column j) covers
/// [j, j + 1) × [i, i + 1), x grows to the right and y downwards, so the image spans [0, W] × [0, H].
/// <list type="bullet">
/// <item><see cref="Boxes"/>: [n, 4] as (x1, y1, x2, y2), x1 ≤ x2, y1 ≤ y2;</item>
/// <item><see cref="Keypoints"/>: [n, 2] as (x, y);</item>
/// <item><see cref="Mask"/>: [H, W] class indices, resampled with nearest neighbour (never blended).</item>
/// </list>
/// Ops write into <see cref="Scratch"/> and then call <see cref="Swap"/>, so a pipeline allocates only when sizes grow.
/// </summary>
public sealed class AugmentationSample
{
    private float[] _pixels;
    private float[] _scratch = [];

    /// <summary>A sample over <paramref name="pixels"/> [C, H, W] (used in place, not copied), without targets until they are set.</summary>
    /// <exception cref="ArgumentException">A non-positive size, or fewer than C·H·W pixels.</exception>
    public AugmentationSample(float[] pixels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"An image needs positive channels, height and width; {channels}×{height}×{width} was given (an empty image?).", nameof(pixels));
        if (pixels.Length < channels * height * width)
            throw new ArgumentException($"A {channels}×{height}×{width} image needs {channels * height * width} pixels; {pixels.Length} were given.", nameof(pixels));
        _pixels = pixels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>C, the number of channel planes (no op changes it).</summary>
    public int Channels { get; }
    /// <summary>H, the image height in pixels now (crops and resizes change it).</summary>
    public int Height { get; private set; }
    /// <summary>W, the image width in pixels now (crops and resizes change it).</summary>
    public int Width { get; private set; }
    /// <summary>C·H·W, the number of pixel values of the image now.</summary>
    public int PixelCount => Channels * Height * Width;

    /// <summary>The pixels [C, H, W] (the first <see cref="PixelCount"/> values of the buffer).</summary>
    public Span<float> Pixels => _pixels.AsSpan(0, PixelCount);

    /// <summary>Channel c as [H, W].</summary>
    public Span<float> Plane(int channel) => _pixels.AsSpan(channel * Height * Width, Height * Width);

    /// <summary>The boxes [n, 4] as (x1, y1, x2, y2) in pixels, moved with the image; null when the sample has none.</summary>
    public float[]? Boxes { get; set; }
    /// <summary>The keypoints [n, 2] as (x, y) in pixels, moved with the image; null when the sample has none.</summary>
    public float[]? Keypoints { get; set; }
    /// <summary>The segmentation mask [H, W] of class indices, resampled by nearest pixel with the image; null when the sample has none.</summary>
    public int[]? Mask { get; set; }

    /// <summary>A buffer for the next pixels, of at least C·<paramref name="height"/>·<paramref name="width"/> values.</summary>
    public Span<float> Scratch(int height, int width)
    {
        int size = Channels * height * width;
        if (_scratch.Length < size) _scratch = new float[size];
        return _scratch.AsSpan(0, size);
    }

    /// <summary>Makes the scratch buffer (filled for <paramref name="height"/>×<paramref name="width"/>) the image.</summary>
    public void Swap(int height, int width)
    {
        (_pixels, _scratch) = (_scratch, _pixels);
        Height = height;
        Width = width;
    }

    /// <summary>Resets to a new image of the same channel count, reusing the buffers (the trainer's per-sample loop).</summary>
    public void Reset(ReadOnlySpan<float> pixels, int height, int width)
    {
        int size = Channels * height * width;
        if (pixels.Length != size)
            throw new ArgumentException($"A {Channels}×{height}×{width} image needs {size} pixels; {pixels.Length} were given.", nameof(pixels));
        if (_pixels.Length < size) _pixels = new float[size];
        pixels.CopyTo(_pixels);
        Height = height;
        Width = width;
        Boxes = null;
        Keypoints = null;
        Mask = null;
    }
}
