using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Small PNG pictures of colored squares over gray noise, for the detection and segmentation trainers: each has one or
/// two squares, red ("red") or blue ("blue"), not overlapping, with exact boxes and a per-pixel class mask (0 background,
/// 1 red, 2 blue). Sizes vary (32×32, 40×32, 48×48) so that resizing to the network and back is exercised. The same seed
/// gives the same files. Nothing here touches MLNet.Cnn.Trainers (the fresh-process tests use it before loading a model).
/// </summary>
public static class SquarePictures
{
    public static readonly string[] Classes = ["red", "blue"];

    public sealed class Row
    {
        public string ImagePath { get; set; } = "";

        /// <summary>One label per square (made a vector of keys by MapValueToKey).</summary>
        public string[] Label { get; set; } = [];

        /// <summary>x0, y0, x1, y1 per square, in the picture's pixels.</summary>
        public float[] BoundingBoxes { get; set; } = [];

        /// <summary>The class of each pixel, row by row: 0 background, 1 red, 2 blue.</summary>
        public byte[] Mask { get; set; } = [];

        public int Width { get; set; }
        public int Height { get; set; }
    }

    private static readonly (int Width, int Height)[] Sizes = [(32, 32), (40, 32), (48, 48)];

    /// <summary>Writes <paramref name="count"/> pictures into <paramref name="directory"/> and returns their rows.</summary>
    public static List<Row> Write(int count, int seed, string directory, bool fixedSize = false)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int n = 0; n < count; n++)
        {
            var (width, height) = fixedSize ? Sizes[0] : Sizes[random.Next(Sizes.Length)];
            var bgra = new byte[width * height * 4];
            var mask = new byte[width * height];
            for (int p = 0; p < width * height; p++)
            {
                byte gray = (byte)(90 + random.Next(60));
                (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2], bgra[4 * p + 3]) = (gray, gray, gray, 255);
            }
            var labels = new List<string>();
            var boxes = new List<float>();
            int squares = 1 + random.Next(2);
            for (int s = 0; s < squares; s++)
            {
                int side = 8 + random.Next(9);
                // the first square in the left half, the second in the right half: they never overlap
                int half = width / 2;
                int x0 = (s == 0 ? 0 : half) + random.Next(Math.Max(1, half - side)), y0 = random.Next(height - side);
                int cls = random.Next(2);
                for (int y = y0; y < y0 + side; y++)
                    for (int x = x0; x < x0 + side; x++)
                    {
                        int p = y * width + x;
                        (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2]) = cls == 0 ? ((byte)30, (byte)30, (byte)230) : ((byte)230, (byte)30, (byte)30);
                        mask[p] = (byte)(cls + 1);
                    }
                labels.Add(Classes[cls]);
                boxes.AddRange([x0, y0, x0 + side, y0 + side]);
            }
            string path = Path.Combine(directory, $"{seed}-{n}.png");
            using (var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra)) image.Save(path);
            rows.Add(new Row { ImagePath = path, Label = [.. labels], BoundingBoxes = [.. boxes], Mask = mask, Width = width, Height = height });
        }
        return rows;
    }
}
