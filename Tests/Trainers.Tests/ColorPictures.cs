using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Small color PNG files of three classes that only color tells apart — red, green or blue dominant, over seeded noise —
/// so a network trained on grayscale could not separate them and the R, G, B order matters.
/// </summary>
public static class ColorPictures
{
    public const int Side = 8;
    public static readonly string[] Classes = ["red", "green", "blue"];

    public sealed class Row
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";

        /// <summary>The encoded file, as Model Builder's generated input class holds it.</summary>
        public byte[] ImageSource { get; set; } = [];
    }

    /// <summary>Writes <paramref name="count"/> pictures into <paramref name="directory"/>; the same seed gives the same files.</summary>
    public static List<Row> Write(int count, int seed, string directory)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3);
            var bgra = new byte[Side * Side * 4];
            for (int p = 0; p < Side * Side; p++)
            {
                // the class's channel high, the other two as gray noise of the same mean brightness
                for (int rgb = 0; rgb < 3; rgb++)
                    bgra[4 * p + (2 - rgb)] = (byte)(rgb == label ? 150 + random.Next(100) : 40 + random.Next(100));
                bgra[4 * p + 3] = 255;
            }
            string path = System.IO.Path.Combine(directory, $"{seed}-{i}.png");
            using (var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra)) image.Save(path);
            rows.Add(new Row { Path = path, Label = Classes[label], ImageSource = File.ReadAllBytes(path) });
        }
        return rows;
    }
}
