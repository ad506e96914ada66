using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples.ImageFolder;

/// <summary>
/// The demo image folder, generated so that the sample runs without a download: 64×64 color images of four shapes, one
/// subfolder per shape, each shape in a random color at a random place and size on a noisy background of another random
/// color; one file in four is a JPEG. The label is the shape, never the color, so the network has to learn shapes from all
/// three channels rather than average a color. Synthetic: its accuracy shows that the flow works, not how a network fares
/// on photos.
/// </summary>
internal static class ShapesFolder
{
    public const int Side = 64;

    /// <summary>Each shape as a test of a point (dx, dy) from the shape's center, for a shape of radius r.</summary>
    private static readonly (string Name, Func<double, double, double, bool> Inside)[] Shapes =
    [
        ("circle", (dx, dy, r) => dx * dx + dy * dy <= r * r),
        ("square", (dx, dy, r) => Math.Abs(dx) <= 0.8 * r && Math.Abs(dy) <= 0.8 * r),
        ("triangle", (dx, dy, r) => Math.Abs(dy) <= r && Math.Abs(dx) <= (dy + r) / 2),
        ("cross", (dx, dy, r) => Math.Abs(dx) <= r && Math.Abs(dy) <= r && Math.Min(Math.Abs(dx), Math.Abs(dy)) <= r / 3),
    ];

    public static string Names => string.Join(", ", Shapes.Select(s => s.Name));

    public static void Write(string root, int perShape, int seed = 1)
    {
        var random = new Random(seed);
        foreach (var (name, inside) in Shapes)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, name));
            for (int i = 0; i < perShape; i++)
            {
                using var image = Draw(inside, random);
                image.Save(Path.Combine(folder.FullName, $"{name}-{i:D3}.{(i % 4 == 3 ? "jpg" : "png")}"));
            }
        }
    }

    private static MLImage Draw(Func<double, double, double, bool> inside, Random random)
    {
        var background = RandomColor(random);
        var shape = RandomColor(random);
        while (Math.Abs(shape.R - background.R) + Math.Abs(shape.G - background.G) + Math.Abs(shape.B - background.B) < 200)
            shape = RandomColor(random);
        int r = random.Next(10, 22), cx = random.Next(r, Side - r), cy = random.Next(r, Side - r);
        var bgra = new byte[Side * Side * 4];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                var (red, green, blue) = inside(x - cx, y - cy, r) ? shape : background;
                int p = 4 * (y * Side + x);
                bgra[p] = Noisy(blue, random);
                bgra[p + 1] = Noisy(green, random);
                bgra[p + 2] = Noisy(red, random);
                bgra[p + 3] = 255;
            }
        return MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
    }

    private static (int R, int G, int B) RandomColor(Random random) => (random.Next(256), random.Next(256), random.Next(256));

    private static byte Noisy(int value, Random random) => (byte)Math.Clamp(value + random.Next(-20, 21), 0, 255);
}
