using SkiaSharp;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// A line of text to draw in the box of <see cref="MaxWidth"/> × <see cref="TextDrawing.LineHeight"/> pixels at
/// (<see cref="Left"/>, <see cref="Top"/>): left-aligned, or centred; a text too wide is cut short with "…".
/// </summary>
internal readonly record struct TextLabel(string Text, int Left, int Top, int MaxWidth, bool Centered);

/// <summary>Text on a picture (captions, row titles), black, in SkiaSharp's default typeface at <see cref="FontSize"/>.</summary>
internal static class TextDrawing
{
    /// <summary>The font size in pixels.</summary>
    public const float FontSize = 12;

    /// <summary>The height of a line of text, in pixels.</summary>
    public const int LineHeight = 16;

    /// <summary>The width of <paramref name="text"/> in pixels, rounded up.</summary>
    public static int Width(string text)
    {
        using var font = new SKFont { Size = FontSize };
        return Width(text, font);
    }

    private static int Width(string text, SKFont font) => (int)Math.Ceiling(font.MeasureText(text));

    /// <summary><paramref name="text"/>, or its longest beginning followed by "…" that fits in <paramref name="maxWidth"/> pixels.</summary>
    private static string Fitted(string text, int maxWidth, SKFont font)
    {
        if (Width(text, font) <= maxWidth) return text;
        int length = text.Length - 1;
        while (length > 0 && Width(text[..length] + "…", font) > maxWidth) length--;
        return text[..length] + "…";
    }

    /// <summary>Draws <paramref name="labels"/> on <paramref name="image"/>, each within its line's box.</summary>
    public static void Draw(RgbImage image, IReadOnlyList<TextLabel> labels)
    {
        if (labels.Count == 0) return;
        using var bitmap = SkiaPixels.ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont { Size = FontSize })
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            foreach (var label in labels)
            {
                canvas.Save();
                canvas.ClipRect(SKRect.Create(label.Left, label.Top, label.MaxWidth, LineHeight));
                float baseline = label.Top + (LineHeight + FontSize) / 2 - 2;
                string text = Fitted(label.Text, label.MaxWidth, font);
                if (label.Centered) canvas.DrawText(text, label.Left + label.MaxWidth / 2f, baseline, SKTextAlign.Center, font, paint);
                else canvas.DrawText(text, label.Left, baseline, SKTextAlign.Left, font, paint);
                canvas.Restore();
            }
        SkiaPixels.CopyBack(bitmap, image);
    }
}
