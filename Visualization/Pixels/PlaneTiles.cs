namespace MLNet.Cnn.Visualization;

/// <summary>Planes of floats as one picture: the tile of a filter, a feature map or an image, before it is enlarged.</summary>
internal static class PlaneTiles
{
    /// <summary>
    /// The tile of <paramref name="planes"/> [C, h, w] (C = 1: gray, C = 3: R, G and B planes), each value mapped to a byte
    /// through <paramref name="range"/>.
    /// </summary>
    public static RgbImage Tile(ReadOnlySpan<float> planes, int channels, int height, int width, ValueRange range)
    {
        if (channels is not (1 or 3) || planes.Length != channels * height * width)
            throw new ArgumentException($"Expected [C, h, w] = [1 or 3, {height}, {width}] values; got {planes.Length} for C = {channels}.", nameof(planes));
        var tile = new RgbImage(width, height);
        int plane = height * width;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                tile[x, y] = channels == 1
                    ? Rgb.Gray(range.ToByte(planes[p]))
                    : new Rgb(range.ToByte(planes[p]), range.ToByte(planes[plane + p]), range.ToByte(planes[2 * plane + p]));
            }
        return tile;
    }
}
