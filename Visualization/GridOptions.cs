namespace MLNet.Cnn.Visualization;

/// <summary>The size pictures of pixels are enlarged to, and the white gap between and around their parts.</summary>
public abstract class PictureOptions
{
    private protected PictureOptions(int targetSize, int gap)
    {
        TargetSize = targetSize;
        Gap = gap;
    }

    /// <summary>
    /// The size, in pixels, the longer side of a tile (or picture) is enlarged towards by nearest neighbour: the whole factor
    /// max(1, ⌊TargetSize / side⌋), so nothing is shrunk and every pixel stays a square block.
    /// </summary>
    public int TargetSize { get; init; }

    /// <summary>White pixels between the tiles and around them.</summary>
    public int Gap { get; init; }

    /// <summary>Refuses options out of range, naming the option.</summary>
    internal virtual void Check()
    {
        if (TargetSize < 1) throw new ArgumentOutOfRangeException(nameof(TargetSize), TargetSize, "TargetSize must be at least 1 pixel.");
        if (Gap < 0) throw new ArgumentOutOfRangeException(nameof(Gap), Gap, "Gap must not be negative.");
    }
}

/// <summary>How a grid of tiles is laid out: columns, gaps, and the size the tiles are enlarged to.</summary>
public abstract class GridOptions : PictureOptions
{
    private protected GridOptions(int targetSize, int gap) : base(targetSize, gap) { }

    /// <summary>The number of columns; null: each picture's own default (documented on it).</summary>
    public int? Columns { get; init; }

    internal override void Check()
    {
        base.Check();
        if (Columns is < 1) throw new ArgumentOutOfRangeException(nameof(Columns), Columns, "Columns must be at least 1 (or null).");
    }
}

/// <summary>Grid options of tiles whose values are scaled to gray levels or colors by min–max.</summary>
public abstract class ScaledGridOptions : GridOptions
{
    private protected ScaledGridOptions(int targetSize, int gap) : base(targetSize, gap) { }

    /// <summary>
    /// False (default): each tile (a filter, a channel) is scaled by its own minimum and maximum to 0…255, which shows its
    /// pattern but not its strength; true: one minimum and maximum over all tiles shown, so tiles compare.
    /// </summary>
    public bool SharedScale { get; init; }
}
