namespace MLNet.Cnn.Augment;

/// <summary>
/// Where the <see cref="Resampler"/> reads output pixel (row, column) from: a continuous source position for its
/// centre (column + ½, row + ½).
/// </summary>
internal interface ISourceMap
{
    (double X, double Y) SourceOf(int row, int column);
}

/// <summary>The source of each output pixel through an inverse affine map (output position → input position).</summary>
internal readonly record struct AffineSource(AffineMap Inverse) : ISourceMap
{
    public (double X, double Y) SourceOf(int row, int column) => Inverse.Map(column + 0.5, row + 0.5);
}

/// <summary>A per-pixel displacement field [H, W] (dx, dy in pixels): pixel (i, j) reads centre + (dx, dy)[i, j].</summary>
internal readonly record struct DisplacementSource(float[] Dx, float[] Dy, int Width) : ISourceMap
{
    public (double X, double Y) SourceOf(int row, int column)
    {
        int k = row * Width + column;
        return (column + 0.5 + Dx[k], row + 0.5 + Dy[k]);
    }
}
