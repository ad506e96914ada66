namespace MLNet.Cnn.Visualization;

/// <summary>
/// Where the cells of a grid go. <see cref="Count"/> cells of <see cref="CellWidth"/> × <see cref="CellHeight"/> pixels
/// fill <see cref="Columns"/> columns row by row; each cell has a caption strip of <see cref="CaptionHeight"/> pixels
/// below it, the grid a margin of <see cref="LeftMargin"/> pixels on its left (for row titles), and <see cref="Gap"/>
/// pixels separate the cells from each other and from the picture's edges:
/// width = LeftMargin + Columns · CellWidth + (Columns + 1) · Gap,
/// height = Rows · (CellHeight + CaptionHeight) + (Rows + 1) · Gap.
/// </summary>
internal sealed record GridLayout(int Count, int Columns, int CellWidth, int CellHeight, int Gap, int CaptionHeight = 0, int LeftMargin = 0)
{
    /// <summary>⌈Count / Columns⌉.</summary>
    public int Rows => (Count + Columns - 1) / Columns;

    /// <summary>The picture's width in pixels.</summary>
    public int Width => LeftMargin + Columns * CellWidth + (Columns + 1) * Gap;

    /// <summary>The picture's height in pixels.</summary>
    public int Height => Rows * (CellHeight + CaptionHeight) + (Rows + 1) * Gap;

    /// <summary>The top-left corner of cell <paramref name="index"/> (row index / Columns, column index % Columns).</summary>
    public (int Left, int Top) Cell(int index) =>
        (LeftMargin + Gap + index % Columns * (CellWidth + Gap), Gap + index / Columns * (CellHeight + CaptionHeight + Gap));

    /// <summary>The columns of a grid about as wide as high: ⌈√count⌉.</summary>
    public static int SquareColumns(int count) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(count)));

    /// <summary>
    /// The whole factor that enlarges a picture whose longer side is <paramref name="side"/> pixels to about
    /// <paramref name="targetSize"/>: max(1, ⌊targetSize / side⌋).
    /// </summary>
    public static int Zoom(int side, int targetSize) => Math.Max(1, targetSize / side);
}
