using SkiaSharp;

namespace MLNet.Cnn.Samples.Augmentation;

/// <summary>
/// A PNG of image rows: each row starts with its title, then its images ([C, H, W] floats in [0, 1], gray or RGB),
/// each scaled up by <paramref name="zoom"/> with nearest-neighbour pixels.
/// </summary>
internal sealed class ImageGrid(int zoom, int gap = 4, int titleWidth = 230)
{
    private readonly List<(string Title, List<(float[] Pixels, int Channels, int Height, int Width)> Images)> _rows = [];

    public void AddRow(string title, IEnumerable<(float[] Pixels, int Channels, int Height, int Width)> images) =>
        _rows.Add((title, images.ToList()));

    public void Save(string path)
    {
        int cell = _rows.SelectMany(r => r.Images).Max(i => Math.Max(i.Height, i.Width)) * zoom + gap;
        int columns = _rows.Max(r => r.Images.Count);
        using var bitmap = new SKBitmap(titleWidth + columns * cell + gap, _rows.Count * cell + gap);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont { Size = 14 };
        for (int r = 0; r < _rows.Count; r++)
        {
            int top = gap + r * cell;
            canvas.DrawText(_rows[r].Title, 6, top + cell / 2f, SKTextAlign.Left, font, text);
            for (int c = 0; c < _rows[r].Images.Count; c++)
                Draw(canvas, _rows[r].Images[c], titleWidth + c * cell, top);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private void Draw(SKCanvas canvas, (float[] Pixels, int Channels, int Height, int Width) image, int left, int top)
    {
        using var paint = new SKPaint();
        int plane = image.Height * image.Width;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                byte Channel(int c) => (byte)Math.Round(Math.Clamp(image.Pixels[c * plane + y * image.Width + x], 0, 1) * 255);
                paint.Color = image.Channels == 3 ? new SKColor(Channel(0), Channel(1), Channel(2)) : new SKColor(Channel(0), Channel(0), Channel(0));
                canvas.DrawRect(left + x * zoom, top + y * zoom, zoom, zoom, paint);
            }
    }
}
