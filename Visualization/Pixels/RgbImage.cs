using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// An 8-bit RGB picture: what every picture of this library renders to before <see cref="SavePng"/> writes it. Pixel
/// (x, y) is column x from the left and row y from the top; <see cref="Bytes"/> holds R, G, B of each pixel, row by row.
/// </summary>
public sealed class RgbImage
{
    private readonly byte[] _bytes;

    /// <summary>A picture of <paramref name="width"/> × <paramref name="height"/> pixels of one color (black when none is given).</summary>
    public RgbImage(int width, int height, Rgb? background = null)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"A picture needs at least 1×1 pixels; got {width}×{height}.");
        Width = width;
        Height = height;
        _bytes = new byte[3 * width * height];
        if (background is { } color && color != Rgb.Black) Fill(0, 0, width, height, color);
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>R, G, B of pixel (0, 0), then (1, 0), …: 3 · <see cref="Width"/> bytes a row, <see cref="Height"/> rows.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The color of pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int i = Index(x, y);
            return new(_bytes[i], _bytes[i + 1], _bytes[i + 2]);
        }
        set
        {
            int i = Index(x, y);
            (_bytes[i], _bytes[i + 1], _bytes[i + 2]) = (value.R, value.G, value.B);
        }
    }

    /// <summary>
    /// This picture <paramref name="factor"/> times wider and higher, by nearest neighbour: pixel (x, y) becomes the block of
    /// factor × factor pixels whose top-left corner is (factor · x, factor · y).
    /// </summary>
    public RgbImage Enlarge(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        var large = new RgbImage(Width * factor, Height * factor);
        for (int y = 0; y < large.Height; y++)
            for (int x = 0; x < large.Width; x++)
                large[x, y] = this[x / factor, y / factor];
        return large;
    }

    /// <summary>Copies <paramref name="picture"/> with its top-left corner at (<paramref name="left"/>, <paramref name="top"/>); it must fit inside.</summary>
    public void Paste(RgbImage picture, int left, int top)
    {
        ArgumentNullException.ThrowIfNull(picture);
        if (left < 0 || top < 0 || left + picture.Width > Width || top + picture.Height > Height)
            throw new ArgumentOutOfRangeException(nameof(picture),
                $"A {picture.Width}×{picture.Height} picture at ({left}, {top}) does not fit in {Width}×{Height}.");
        for (int y = 0; y < picture.Height; y++)
            picture._bytes.AsSpan(3 * y * picture.Width, 3 * picture.Width).CopyTo(_bytes.AsSpan(Index(left, top + y)));
    }

    /// <summary>
    /// The outline of the rectangle of columns [<paramref name="left"/>, <paramref name="right"/>) and rows
    /// [<paramref name="top"/>, <paramref name="bottom"/>), <paramref name="thickness"/> pixels wide on its inner side,
    /// clipped to the picture.
    /// </summary>
    internal void DrawFrame(int left, int top, int right, int bottom, Rgb color, int thickness)
    {
        for (int y = Math.Max(top, 0); y < Math.Min(bottom, Height); y++)
            for (int x = Math.Max(left, 0); x < Math.Min(right, Width); x++)
                if (x - left < thickness || right - 1 - x < thickness || y - top < thickness || bottom - 1 - y < thickness)
                    this[x, y] = color;
    }

    /// <summary>Writes the picture as a PNG file.</summary>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, EncodePng());
    }

    /// <summary>The picture encoded as PNG.</summary>
    public byte[] EncodePng() => SkiaPixels.EncodePng(this);

    /// <summary>
    /// Decodes an image file (PNG, JPEG, BMP, GIF, WebP: what SkiaSharp reads); transparent pixels are laid over white.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes.</exception>
    public static RgbImage Load(string path) => SkiaPixels.Decode(path);

    /// <summary>
    /// The picture of an image tensor [C, H, W] (or [1, C, H, W]) with C = 1 (gray) or 3 (R, G, B planes) and values in
    /// [0, 1]: each value v becomes the byte round(255 · v); values outside [0, 1] (an augmentation may overshoot) are clamped.
    /// </summary>
    /// <exception cref="ArgumentException">Another rank or channel count, or a NaN or infinite value.</exception>
    public static RgbImage FromTensor(Tensor image) => FromTensor(image, nameof(image));

    /// <inheritdoc cref="FromTensor(Tensor)"/>
    /// <param name="name">What the caller calls the tensor, for the messages.</param>
    internal static RgbImage FromTensor(Tensor image, string name)
    {
        var (channels, height, width) = TensorInput.Image(image, name);
        return PlaneTiles.Tile(image.Span, channels, height, width, ValueRange.Unit);
    }

    /// <summary>
    /// <paramref name="pictures"/> row by row in a grid of <paramref name="columns"/> columns, each centred in a cell of the
    /// largest picture's size, <paramref name="gap"/> white pixels apart (e.g. several Grad-CAM overlays in one PNG).
    /// </summary>
    /// <exception cref="ArgumentException">No pictures, or fewer than one column or a negative gap.</exception>
    public static RgbImage Grid(IReadOnlyList<RgbImage> pictures, int columns, int gap = 4)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        if (pictures.Count == 0) throw new ArgumentException("No pictures to put in a grid.", nameof(pictures));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        return TileGrid.Compose(pictures, columns, gap);
    }

    /// <summary>Sets the rectangle of <paramref name="width"/> × <paramref name="height"/> pixels at (<paramref name="left"/>, <paramref name="top"/>) to <paramref name="color"/>.</summary>
    internal void Fill(int left, int top, int width, int height, Rgb color)
    {
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
                this[x, y] = color;
    }

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}×{Height} picture.");
        return 3 * (y * Width + x);
    }
}
