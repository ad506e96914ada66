using MLNet.Cnn.Augment;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Samples.Augmentation;

/// <summary>A row of the gallery: its title and its images [C, H, W] in [0, 1], the original first.</summary>
internal sealed record GalleryRow(string Title, IReadOnlyList<Tensor> Images);

/// <summary>
/// Rows of the gallery: for each op, the original image followed by several independent draws, as a training loop
/// would see them in successive epochs (every draw from its own seeded Random, like the trainer's per-sample draws);
/// drawn as one image grid with the rows' titles on the left.
/// </summary>
internal static class AugmentationGallery
{
    public static IEnumerable<GalleryRow> Rows(string name, float[] image, int channels, int size,
        IEnumerable<(string Title, IAugmentation Op)> ops, int draws, int seed)
    {
        foreach (var (title, op) in ops)
        {
            var row = new List<Tensor> { Tensor.FromArray(image, channels, size, size) };
            for (int d = 0; d < draws; d++)
            {
                var sample = new AugmentationSample((float[])image.Clone(), channels, size, size);
                op.Apply(sample, new Random(seed * 7919 + d));
                row.Add(Tensor.FromArray(sample.Pixels.ToArray(), channels, sample.Height, sample.Width));
            }
            yield return new GalleryRow($"{name}: {title}", row);
        }
    }

    /// <summary>The rows as one grid (all rows as long as the first), images enlarged ×3 for 28- to 32-pixel images.</summary>
    public static RgbImage Picture(IReadOnlyList<GalleryRow> rows) =>
        ImageGrid.Render(rows.SelectMany(r => r.Images.Select(i => new GridImage(i))).ToList(),
            new ImageGridOptions { Columns = rows[0].Images.Count, RowTitles = rows.Select(r => r.Title).ToList() });
}
