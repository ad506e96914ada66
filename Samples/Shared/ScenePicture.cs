using System.Runtime.InteropServices;
using SkiaSharp;

namespace MLNet.Cnn.Samples;

/// <summary>A box to draw, xyxy in the image's pixels, with its class and (for a prediction) its score.</summary>
internal readonly record struct PictureBox(float X0, float Y0, float X1, float Y1, int ClassId, float? Score = null);

/// <summary>
/// One image scaled up by a whole zoom factor (nearest-neighbour pixels), with predicted boxes (solid, in the class's
/// color, labelled with class and score), ground-truth boxes (thin, dashed, white) and class-map overlays drawn over it;
/// pictures are saved alone or as a grid. SkiaSharp only (no reference to the core), so the samples and EdgeScoring share it.
/// </summary>
internal sealed class ScenePicture : IDisposable
{
    /// <summary>Matplotlib's "tab10": ten colors told apart easily, one per object class (cycling past ten).</summary>
    private static readonly SKColor[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
    ];

    private readonly SKCanvas _canvas;

    /// <summary>The color of object class <paramref name="classId"/> (≥ 0).</summary>
    public static SKColor ClassColor(int classId) => Palette[classId % Palette.Length];

    /// <summary>The picture of <paramref name="image"/> (any color type Skia draws), <paramref name="zoom"/> times larger.</summary>
    public ScenePicture(SKBitmap image, int zoom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(zoom);
        Zoom = zoom;
        Bitmap = new SKBitmap(new SKImageInfo(image.Width * zoom, image.Height * zoom, SKColorType.Rgba8888, SKAlphaType.Premul));
        _canvas = new SKCanvas(Bitmap);
        using var source = SKImage.FromBitmap(image);
        _canvas.DrawImage(source, new SKRect(0, 0, Bitmap.Width, Bitmap.Height), new SKSamplingOptions(SKFilterMode.Nearest));
    }

    /// <summary>The picture of planar bytes [C, H, W] (C = 1 gray or 3 RGB), <paramref name="zoom"/> times larger.</summary>
    public static ScenePicture FromPlanes(ReadOnlySpan<byte> planes, int channels, int height, int width, int zoom)
    {
        if (channels is not (1 or 3) || planes.Length != channels * height * width)
            throw new ArgumentException($"Expected [C, H, W] bytes with C = 1 or 3 and H·W = {height}·{width}; got {planes.Length} bytes for C = {channels}.", nameof(planes));
        int plane = height * width;
        var rgba = new byte[4 * plane];
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++) rgba[4 * p + c] = planes[(channels == 3 ? c : 0) * plane + p];
            rgba[4 * p + 3] = 255;
        }
        using var image = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, image.GetPixels(), rgba.Length); // rows of 4·width bytes, unpadded
        return new ScenePicture(image, zoom);
    }

    public int Zoom { get; }
    public SKBitmap Bitmap { get; }

    /// <summary>A predicted box: a solid frame in its class's color and a label "name 0.87" on a tab above it (below at the top edge).</summary>
    public void DrawPrediction(PictureBox box, IReadOnlyList<string> classNames)
    {
        var color = ClassColor(box.ClassId);
        var rect = Scaled(box);
        using var frame = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        _canvas.DrawRect(rect, frame);
        string name = box.ClassId < classNames.Count ? classNames[box.ClassId] : $"class {box.ClassId}";
        string label = box.Score is { } score ? $"{name} {score:F2}" : name;
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var font = new SKFont { Size = 11 };
        float width = font.MeasureText(label) + 4, height = 13;
        float top = rect.Top - height >= 0 ? rect.Top - height : rect.Top;
        using var tab = new SKPaint { Color = color.WithAlpha(210) };
        _canvas.DrawRect(rect.Left, top, width, height, tab);
        _canvas.DrawText(label, rect.Left + 2, top + height - 3, SKTextAlign.Left, font, text);
    }

    /// <summary>A ground-truth box: a thin dashed white frame over a dark one, visible on any background.</summary>
    public void DrawTruth(PictureBox box)
    {
        var rect = Scaled(box);
        using var dark = new SKPaint { Color = SKColors.Black.WithAlpha(160), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var dashes = new SKPaint
        {
            Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash([4, 3], 0),
        };
        _canvas.DrawRect(rect, dark);
        _canvas.DrawRect(rect, dashes);
    }

    /// <summary>
    /// Paints a class map [H, W] over the image: class c ≥ 1 in <see cref="ClassColor"/>(c − 1) at <paramref name="opacity"/>,
    /// 0 (background) left as it is, <paramref name="ignoreLabel"/> in light gray.
    /// </summary>
    public void OverlayClassMap(ReadOnlySpan<byte> classMap, int height, int width, float opacity = 0.55f, int ignoreLabel = 255)
    {
        if (classMap.Length != height * width || height * Zoom != Bitmap.Height || width * Zoom != Bitmap.Width)
            throw new ArgumentException($"The class map must be {Bitmap.Height / Zoom}×{Bitmap.Width / Zoom}; {height}×{width} ({classMap.Length} values) was given.", nameof(classMap));
        using var paint = new SKPaint();
        byte alpha = (byte)Math.Round(Math.Clamp(opacity, 0, 1) * 255);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int value = classMap[y * width + x];
                if (value == 0) continue;
                paint.Color = value == ignoreLabel ? new SKColor(220, 220, 220, alpha) : ClassColor(value - 1).WithAlpha(alpha);
                _canvas.DrawRect(x * Zoom, y * Zoom, Zoom, Zoom, paint);
            }
    }

    /// <summary>A caption in the top-left corner, on a dark tab.</summary>
    public void Caption(string caption)
    {
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var font = new SKFont { Size = 11 };
        using var tab = new SKPaint { Color = SKColors.Black.WithAlpha(170) };
        _canvas.DrawRect(0, 0, font.MeasureText(caption) + 6, 14, tab);
        _canvas.DrawText(caption, 3, 11, SKTextAlign.Left, font, text);
    }

    public void Save(string path) => Write(Bitmap, path);

    /// <summary>
    /// The pictures in a grid of <paramref name="columns"/>, row by row, on white; with <paramref name="legend"/>, a row
    /// of class-colored swatches with the names below (entry i in <see cref="ClassColor"/>(i)).
    /// </summary>
    public static void SaveGrid(IReadOnlyList<ScenePicture> pictures, int columns, string path, IReadOnlyList<string>? legend = null, int gap = 4)
    {
        if (pictures.Count == 0) throw new ArgumentException("No pictures to put in a grid.", nameof(pictures));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int cellWidth = pictures.Max(p => p.Bitmap.Width) + gap, cellHeight = pictures.Max(p => p.Bitmap.Height) + gap;
        int rows = (pictures.Count + columns - 1) / columns, legendHeight = legend is null ? 0 : 22;
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont { Size = 12 };
        float legendWidth = legend is null ? 0 : gap + legend.Sum(name => 27 + font.MeasureText(name));
        int width = Math.Max(Math.Min(columns, pictures.Count) * cellWidth + gap, (int)Math.Ceiling(legendWidth));
        using var grid = new SKBitmap(width, rows * cellHeight + gap + legendHeight);
        using var canvas = new SKCanvas(grid);
        canvas.Clear(SKColors.White);
        for (int i = 0; i < pictures.Count; i++)
            canvas.DrawBitmap(pictures[i].Bitmap, gap + i % columns * cellWidth, gap + i / columns * cellHeight);
        if (legend is not null)
        {
            using var swatch = new SKPaint();
            float x = gap, y = rows * cellHeight + gap;
            for (int c = 0; c < legend.Count; c++)
            {
                swatch.Color = ClassColor(c);
                canvas.DrawRect(x, y + 4, 12, 12, swatch);
                canvas.DrawText(legend[c], x + 15, y + 15, SKTextAlign.Left, font, text);
                x += 15 + font.MeasureText(legend[c]) + 12;
            }
        }
        Write(grid, path);
    }

    private SKRect Scaled(PictureBox box) => new(box.X0 * Zoom, box.Y0 * Zoom, box.X1 * Zoom, box.Y1 * Zoom);

    private static void Write(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    public void Dispose()
    {
        _canvas.Dispose();
        Bitmap.Dispose();
    }
}
