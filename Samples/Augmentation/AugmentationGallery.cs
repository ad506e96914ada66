using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Samples.Augmentation;

/// <summary>
/// Rows of the gallery: for each op, the original image followed by several independent draws, as a training loop
/// would see them in successive epochs (every draw from its own seeded Random, like the trainer's per-sample draws).
/// </summary>
internal static class AugmentationGallery
{
    public static void AddRows(ImageGrid grid, string name, float[] image, int channels, int size,
        IEnumerable<(string Title, IAugmentation Op)> ops, int draws, int seed)
    {
        foreach (var (title, op) in ops)
        {
            var row = new List<(float[], int, int, int)> { (image, channels, size, size) };
            for (int d = 0; d < draws; d++)
            {
                var sample = new AugmentationSample((float[])image.Clone(), channels, size, size);
                op.Apply(sample, new Random(seed * 7919 + d));
                row.Add((sample.Pixels.ToArray(), channels, sample.Height, sample.Width));
            }
            grid.AddRow($"{name}: {title}", row);
        }
    }
}
