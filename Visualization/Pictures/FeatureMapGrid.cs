using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// A layer's feature maps for one image, [C, h, w] (or [1, C, h, w]), as a grid of gray tiles, channel 0 first: each
/// channel scaled by its own minimum and maximum to 0…255 (black the lowest activation, white the highest; a constant
/// channel, such as a dead ReLU's zeros, is black), or by one minimum and maximum over the channels shown with
/// <see cref="ScaledGridOptions.SharedScale"/>. Tiles are enlarged by nearest neighbour towards
/// <see cref="PictureOptions.TargetSize"/> (64 by default), 2 white pixels apart, in ⌈√C⌉ columns unless
/// <see cref="GridOptions.Columns"/> says otherwise; <see cref="FeatureMapOptions.MaxChannels"/> shows only the first
/// channels and <see cref="FeatureMapOptions.Captions"/> writes each channel's index under its tile.
/// </summary>
public static class FeatureMapGrid
{
    /// <summary>The grid of the channels of <paramref name="maps"/>.</summary>
    /// <exception cref="ArgumentException">Another rank, a batch of more than one image, or a NaN or infinite value.</exception>
    public static RgbImage Render(Tensor maps, FeatureMapOptions? options = null)
    {
        options ??= new();
        options.Check();
        var tiles = Tiles(maps, options.MaxChannels, options.SharedScale);
        int zoom = GridLayout.Zoom(Math.Max(tiles[0].Height, tiles[0].Width), options.TargetSize);
        var captions = options.Captions ? Enumerable.Range(0, tiles.Count).Select(c => (string?)c.ToString()).ToList() : null;
        return TileGrid.Compose(tiles.Select(t => t.Enlarge(zoom)).ToList(), options.Columns ?? GridLayout.SquareColumns(tiles.Count),
            options.Gap, captions);
    }

    /// <summary>One gray tile per channel shown (the first min(C, <paramref name="maxChannels"/>)), at the maps' own size.</summary>
    internal static List<RgbImage> Tiles(Tensor maps, int? maxChannels, bool sharedScale)
    {
        var (channels, height, width) = TensorInput.FeatureMaps(maps, nameof(maps));
        int shown = Math.Min(channels, maxChannels ?? channels), plane = height * width;
        ReadOnlySpan<float> values = maps.Span[..(shown * plane)]; // channel c: [h, w] from c·h·w
        var shared = ValueRange.Of(values);
        var tiles = new List<RgbImage>(shown);
        for (int c = 0; c < shown; c++)
        {
            var map = values.Slice(c * plane, plane);
            tiles.Add(PlaneTiles.Tile(map, 1, height, width, sharedScale ? shared : ValueRange.Of(map)));
        }
        return tiles;
    }
}

/// <summary>Options of <see cref="FeatureMapGrid"/>: tiles enlarged towards 64 pixels, 2-pixel gaps, each channel on its own scale.</summary>
public sealed class FeatureMapOptions() : ScaledGridOptions(targetSize: 64, gap: 2)
{
    /// <summary>Show only the first this many channels; null (default): all.</summary>
    public int? MaxChannels { get; init; }

    /// <summary>Write each channel's index under its tile (default false).</summary>
    public bool Captions { get; init; }

    internal override void Check()
    {
        base.Check();
        if (MaxChannels is < 1) throw new ArgumentOutOfRangeException(nameof(MaxChannels), MaxChannels, "MaxChannels must be at least 1 (or null).");
    }
}
