using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>An image of an <see cref="ImageGrid"/>, with an optional caption under it and an optional box on it.</summary>
/// <param name="Image">[C, H, W] (or [1, C, H, W]), C = 1 (gray) or 3 (R, G, B), values in [0, 1] (outside: clamped).</param>
/// <param name="Caption">A line under the image (a class, a score, an activation), clipped to the image's cell; null: none.</param>
/// <param name="Box">
/// A location to mark (e.g. where a channel fires most), xyxy in the image's pixels (<see cref="Detection.Box"/>'s
/// convention), drawn as a 2-pixel frame inside the enlarged box and clipped to the image; null: none.
/// </param>
public sealed record GridImage(Tensor Image, string? Caption = null, Box? Box = null);

/// <summary>
/// Images in a grid, each with an optional caption and box: the images that most activate a channel, augmented
/// examples, predictions. Every image is enlarged by the same whole factor, the one that brings the longest side of
/// any image towards <see cref="PictureOptions.TargetSize"/> (96 by default), and centred in a cell of the largest
/// image's size; 4 white pixels apart; ⌈√n⌉ columns by default. With <see cref="ImageGridOptions.RowTitles"/>, each
/// row gets its title in a left margin and the default columns are ⌈n / rows⌉.
/// </summary>
public static class ImageGrid
{
    /// <summary>The grid of <paramref name="images"/>, row by row.</summary>
    /// <exception cref="ArgumentException">No image, an image of another rank or channel count or with a NaN, a box with a NaN or an empty extent, or row titles that do not match the rows.</exception>
    public static RgbImage Render(IReadOnlyList<GridImage> images, ImageGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("No images to draw.", nameof(images));
        options ??= new();
        options.Check();
        var pictures = images.Select((g, k) => RgbImage.FromTensor(
            (g ?? throw new ArgumentException($"images[{k}] is null.", nameof(images))).Image, $"images[{k}].Image")).ToList();
        int zoom = GridLayout.Zoom(pictures.Max(p => Math.Max(p.Width, p.Height)), options.TargetSize);
        var tiles = pictures.Select(p => p.Enlarge(zoom)).ToList();
        for (int k = 0; k < images.Count; k++)
            if (images[k].Box is { } box) DrawBox(tiles[k], box, zoom, options.BoxColor, $"images[{k}].Box");
        var titles = options.RowTitles;
        if (titles?.Any(t => t is null) == true) throw new ArgumentException("A row title is null.", nameof(options));
        int columns = options.Columns ?? (titles is { Count: > 0 } ? (images.Count + titles.Count - 1) / titles.Count : GridLayout.SquareColumns(images.Count));
        if (titles is { Count: > 0 } && (images.Count + columns - 1) / columns != titles.Count)
            throw new ArgumentException($"{titles.Count} row titles for {images.Count} images in {columns} columns " +
                                        $"({(images.Count + columns - 1) / columns} rows).", nameof(options));
        return TileGrid.Compose(tiles, columns, options.Gap, images.Select(g => g.Caption).ToList(), titles);
    }

    /// <summary>
    /// The frame of <paramref name="box"/> (image pixels) on a tile enlarged <paramref name="zoom"/> times: columns
    /// ⌊zoom · x1⌋ … ⌈zoom · x2⌉ − 1 and rows ⌊zoom · y1⌋ … ⌈zoom · y2⌉ − 1, 2 pixels thick on the inside, clipped to the tile.
    /// </summary>
    internal static void DrawBox(RgbImage tile, Box box, int zoom, Rgb color, string name)
    {
        if (!float.IsFinite(box.X1) || !float.IsFinite(box.Y1) || !float.IsFinite(box.X2) || !float.IsFinite(box.Y2) || box.X2 <= box.X1 || box.Y2 <= box.Y1)
            throw new ArgumentException($"{name} is {box}; a box is finite xyxy with x2 > x1 and y2 > y1.", name);
        // Clamped just outside the tile first, so a far-away edge stays out of sight instead of overflowing an int.
        int Edge(double v, int size) => (int)Math.Clamp(v, -2, size + 2);
        tile.DrawFrame(Edge(Math.Floor(zoom * (double)box.X1), tile.Width), Edge(Math.Floor(zoom * (double)box.Y1), tile.Height),
            Edge(Math.Ceiling(zoom * (double)box.X2), tile.Width), Edge(Math.Ceiling(zoom * (double)box.Y2), tile.Height), color, thickness: 2);
    }
}

/// <summary>Options of <see cref="ImageGrid"/>: images enlarged towards 96 pixels, 4-pixel gaps.</summary>
public sealed class ImageGridOptions() : GridOptions(targetSize: 96, gap: 4)
{
    /// <summary>A title for each row, written left of it (e.g. an augmentation's name); null: no titles.</summary>
    public IReadOnlyList<string>? RowTitles { get; init; }

    /// <summary>The color of the boxes' frames (default red).</summary>
    public Rgb BoxColor { get; init; } = Rgb.Red;
}
