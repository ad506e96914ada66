using MLNet.Cnn.Data;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Background clutter that is not an object: soft elliptic blobs, anti-aliased strokes and fragments (a quarter to a half
/// of the side) of random items, each in a low-contrast clutter color (<see cref="ScenePalette.ClutterColor"/>). Clutter is
/// painted before the objects and never appears in the masks.
/// </summary>
internal static class ClutterPainter
{
    public static void Paint(SceneCanvas canvas, ScenePalette palette, ImageDataset items, SceneOptions options, Random random)
    {
        int count = random.Next(options.MinClutter, options.MaxClutter + 1);
        for (int k = 0; k < count; k++)
        {
            var patch = random.Next(3) switch
            {
                0 => Blob(random),
                1 => Stroke(random),
                _ => Fragment(items, options, random),
            };
            patch.Top = random.Next(-patch.Height / 2, canvas.Height - patch.Height / 2);
            patch.Left = random.Next(-patch.Width / 2, canvas.Width - patch.Width / 2);
            canvas.Paste(patch, palette.ClutterColor());
        }
    }

    // a = exp(−½((x − cx)²/σx² + (y − cy)²/σy²)) over a window of ±3σ, σ uniform in [2, 8] per axis
    private static AlphaPatch Blob(Random random)
    {
        double sx = 2 + 6 * random.NextDouble(), sy = 2 + 6 * random.NextDouble();
        int width = 2 * (int)Math.Ceiling(3 * sx) + 1, height = 2 * (int)Math.Ceiling(3 * sy) + 1;
        var alpha = new float[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double dx = (j - width / 2) / sx, dy = (i - height / 2) / sy;
                alpha[i * width + j] = (float)Math.Exp(-0.5 * (dx * dx + dy * dy));
            }
        return new AlphaPatch(alpha, height, width);
    }

    // a segment from p to q, 8 … 40 long, thickness t in [1, 3]: a = clamp(t/2 + ½ − distance(pixel centre, segment), 0, 1)
    private static AlphaPatch Stroke(Random random)
    {
        double length = 8 + 32 * random.NextDouble(), angle = Math.PI * random.NextDouble();
        double thickness = 1 + 2 * random.NextDouble(), margin = thickness / 2 + 1;
        double dx = length * Math.Cos(angle), dy = length * Math.Sin(angle);
        int width = (int)Math.Ceiling(Math.Abs(dx) + 2 * margin), height = (int)Math.Ceiling(Math.Abs(dy) + 2 * margin);
        double px = margin + (dx < 0 ? -dx : 0), py = margin;
        var alpha = new float[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                double ux = j + 0.5 - px, uy = i + 0.5 - py;
                double t = Math.Clamp((ux * dx + uy * dy) / (length * length), 0, 1);
                double distance = Math.Sqrt(Math.Pow(ux - t * dx, 2) + Math.Pow(uy - t * dy, 2));
                alpha[i * width + j] = (float)Math.Clamp(thickness / 2 + 0.5 - distance, 0, 1);
            }
        return new AlphaPatch(alpha, height, width);
    }

    // a random window of a random item, a quarter to a half of its sides, resized by a scale of the objects' range
    private static AlphaPatch Fragment(ImageDataset items, SceneOptions options, Random random)
    {
        int item = random.Next(items.Count);
        int height = random.Next(items.Height / 4, items.Height / 2 + 1), width = random.Next(items.Width / 4, items.Width / 2 + 1);
        height = Math.Max(1, height);
        width = Math.Max(1, width);
        int top = random.Next(items.Height - height + 1), left = random.Next(items.Width - width + 1);
        double scale = options.MinScale + (options.MaxScale - options.MinScale) * random.NextDouble();
        return AlphaPatch.Resized(items.Pixels(item), items.Height, items.Width, top, left, height, width,
            Math.Max(1, (int)Math.Round(height * scale)), Math.Max(1, (int)Math.Round(width * scale)));
    }
}
