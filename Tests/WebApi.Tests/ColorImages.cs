using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>
/// Small PNG files of three classes told apart by color (red, green or blue dominant over seeded noise), as Model Builder's
/// rows hold them: the label and the encoded file's bytes.
/// </summary>
internal static class ColorImages
{
    public const int Side = 16;
    public static readonly string[] Classes = ["red", "green", "blue"];

    public sealed class Row
    {
        public string Label { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }

    /// <summary><paramref name="count"/> images (PNG files written to, and read back from, <paramref name="directory"/>); the same seed gives the same bytes.</summary>
    public static List<Row> Write(int count, int seed, string directory)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(Classes.Length);
            var bgra = new byte[Side * Side * 4];
            for (int p = 0; p < Side * Side; p++)
            {
                for (int rgb = 0; rgb < 3; rgb++)
                    bgra[4 * p + (2 - rgb)] = (byte)(rgb == label ? 120 + random.Next(130) : random.Next(140));
                bgra[4 * p + 3] = 255;
            }
            string path = Path.Combine(directory, $"{seed}-{i}.png");
            using (var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra)) image.Save(path);
            rows.Add(new Row { Label = Classes[label], ImageSource = File.ReadAllBytes(path) });
        }
        return rows;
    }
}
