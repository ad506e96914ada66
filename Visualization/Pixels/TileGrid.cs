namespace MLNet.Cnn.Visualization;

/// <summary>
/// Tiles (already enlarged) laid out by a <see cref="GridLayout"/> on white: each tile centred in a cell as large as the
/// largest tile, its caption (if any) centred below it, and row titles (if any) in a left margin as wide as the widest.
/// </summary>
internal static class TileGrid
{
    /// <summary>The left margin's padding around its titles, in pixels.</summary>
    private const int TitlePadding = 6;

    public static RgbImage Compose(IReadOnlyList<RgbImage> tiles, int columns, int gap,
        IReadOnlyList<string?>? captions = null, IReadOnlyList<string>? rowTitles = null)
    {
        var layout = Layout(tiles, columns, gap, captions, rowTitles);
        var grid = new RgbImage(layout.Width, layout.Height, Rgb.White);
        var labels = new List<TextLabel>();
        for (int i = 0; i < tiles.Count; i++)
        {
            var (left, top) = layout.Cell(i);
            grid.Paste(tiles[i], left + (layout.CellWidth - tiles[i].Width) / 2, top + (layout.CellHeight - tiles[i].Height) / 2);
            if (captions?[i] is { Length: > 0 } caption)
                labels.Add(new TextLabel(caption, left, top + layout.CellHeight, layout.CellWidth, Centered: true));
        }
        for (int r = 0; r < (rowTitles?.Count ?? 0); r++)
        {
            int top = layout.Cell(r * layout.Columns).Top + (layout.CellHeight - TextDrawing.LineHeight) / 2;
            labels.Add(new TextLabel(rowTitles![r], TitlePadding, top, layout.LeftMargin - TitlePadding, Centered: false));
        }
        TextDrawing.Draw(grid, labels);
        return grid;
    }

    /// <summary>The layout <see cref="Compose"/> uses: cells of the largest tile's size, a caption strip when any caption is given.</summary>
    public static GridLayout Layout(IReadOnlyList<RgbImage> tiles, int columns, int gap,
        IReadOnlyList<string?>? captions = null, IReadOnlyList<string>? rowTitles = null)
    {
        bool anyCaption = captions?.Any(c => !string.IsNullOrEmpty(c)) ?? false;
        int margin = rowTitles is { Count: > 0 } ? rowTitles.Max(TextDrawing.Width) + 2 * TitlePadding : 0;
        return new GridLayout(tiles.Count, Math.Min(columns, tiles.Count), tiles.Max(t => t.Width), tiles.Max(t => t.Height), gap,
            anyCaption ? TextDrawing.LineHeight : 0, margin);
    }
}
