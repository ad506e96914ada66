using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// The filters of a convolution (usually the first layer's) as a grid of tiles, from its weights [O, I, kh, kw]:
/// <list type="bullet">
/// <item>I = 3: one RGB tile per filter, input channels 0, 1, 2 as red, green, blue (the image's own channel order);</item>
/// <item>I = 1: one gray tile per filter;</item>
/// <item>any other I: one gray tile per (filter, input channel), a row per filter (I columns by default).</item>
/// </list>
/// Each filter is scaled by its own minimum and maximum (over all its I · kh · kw weights) to 0…255, so its most negative
/// weight is black and its most positive white; <see cref="ScaledGridOptions.SharedScale"/> scales all filters by one
/// minimum and maximum instead. Tiles are enlarged by nearest neighbour (<see cref="PictureOptions.TargetSize"/>, 48 by
/// default) with 2 white pixels between them; filters fill ⌈√O⌉ columns row by row unless <see cref="GridOptions.Columns"/>
/// says otherwise.
/// </summary>
public static class FilterGrid
{
    /// <summary>The grid of <paramref name="layer"/>'s filters (its weight [O, I/groups, kh, kw]).</summary>
    public static RgbImage Render(Conv2dLayer layer, FilterGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Render(layer.Weight.Value, options);
    }

    /// <summary>The grid of the filters in <paramref name="weights"/> [O, I, kh, kw].</summary>
    /// <exception cref="ArgumentException">Not rank 4, or a NaN or infinite weight.</exception>
    public static RgbImage Render(Tensor weights, FilterGridOptions? options = null)
    {
        options ??= new();
        options.Check();
        var (filters, inputs, height, width) = TensorInput.Filters(weights, nameof(weights));
        var tiles = Tiles(weights, options.SharedScale);
        int zoom = GridLayout.Zoom(Math.Max(height, width), options.TargetSize);
        int columns = options.Columns ?? (inputs is 1 or 3 ? GridLayout.SquareColumns(filters) : inputs);
        return TileGrid.Compose(tiles.Select(t => t.Enlarge(zoom)).ToList(), columns, options.Gap);
    }

    /// <summary>The tiles at the weights' own size: O tiles for I = 1 or 3, else O · I tiles, filter by filter.</summary>
    internal static List<RgbImage> Tiles(Tensor weights, bool sharedScale)
    {
        var (filters, inputs, height, width) = TensorInput.Filters(weights, nameof(weights));
        ReadOnlySpan<float> all = weights.Span;
        var shared = ValueRange.Of(all);
        int plane = height * width, filterLength = inputs * plane;
        var tiles = new List<RgbImage>();
        for (int o = 0; o < filters; o++)
        {
            var filter = all.Slice(o * filterLength, filterLength); // filter o: [I, kh, kw]
            var range = sharedScale ? shared : ValueRange.Of(filter);
            if (inputs is 1 or 3) tiles.Add(PlaneTiles.Tile(filter, inputs, height, width, range));
            else
                for (int i = 0; i < inputs; i++)
                    tiles.Add(PlaneTiles.Tile(filter.Slice(i * plane, plane), 1, height, width, range));
        }
        return tiles;
    }
}

/// <summary>Options of <see cref="FilterGrid"/>: tiles enlarged towards 48 pixels, 2-pixel gaps, each filter on its own scale.</summary>
public sealed class FilterGridOptions() : ScaledGridOptions(targetSize: 48, gap: 2);
