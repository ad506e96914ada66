using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>A heat map float[rows, columns] with values in [0, 1] (a Grad-CAM map): its checks and its bilinear resize.</summary>
internal static class HeatMap
{
    /// <summary>Refuses a null or empty map, or a value that is NaN, infinite or outside [0, 1], naming its position.</summary>
    public static void Check(float[,] heat, string name)
    {
        ArgumentNullException.ThrowIfNull(heat, name);
        if (heat.Length == 0)
            throw new ArgumentException($"{name} is empty ({heat.GetLength(0)}×{heat.GetLength(1)}); a heat map needs at least 1×1 values.", name);
        for (int y = 0; y < heat.GetLength(0); y++)
            for (int x = 0; x < heat.GetLength(1); x++)
                if (!(heat[y, x] >= 0 && heat[y, x] <= 1))
                    throw new ArgumentException($"{name}[{y}, {x}] is {heat[y, x]}; a heat map holds values in [0, 1] (scale it first).", name);
    }

    /// <summary>
    /// A map [h, w] (or [1, h, w]) of non-negative values (a Grad-CAM map) divided by its maximum, as a heat map in [0, 1];
    /// a map of zeros stays zeros.
    /// </summary>
    public static float[,] Normalized(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var dims = map.Shape.Dimensions;
        if (dims.Length is < 2 or > 3 || (dims.Length == 3 && dims[0] != 1))
            throw new ArgumentException($"A heat map tensor is [h, w] or [1, h, w]; this one is {map.Shape}.", nameof(map));
        int h = dims[^2], w = dims[^1];
        var values = map.Span;
        float max = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v) || v < 0) throw new ArgumentException($"A heat map tensor holds finite values ≥ 0; this one holds {v}.", nameof(map));
            max = Math.Max(max, v);
        }
        var heat = new float[h, w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                heat[y, x] = max > 0 ? values[y * w + x] / max : 0;
        return heat;
    }

    /// <summary>
    /// <paramref name="heat"/> [h, w] resized to [<paramref name="height"/>, <paramref name="width"/>] bilinearly with
    /// half-pixel centres (PyTorch's align_corners = false): output row y samples source row sy = (y + 0.5) · h / height − 0.5,
    /// clamped to [0, h − 1], between rows ⌊sy⌋ and ⌊sy⌋ + 1 with weights 1 − f and f (f = sy − ⌊sy⌋); columns alike.
    /// </summary>
    public static float[,] Resize(float[,] heat, int height, int width)
    {
        int h = heat.GetLength(0), w = heat.GetLength(1);
        var rows = Samples(h, height);
        var columns = Samples(w, width);
        var resized = new float[height, width];
        for (int y = 0; y < height; y++)
        {
            var (y0, y1, fy) = rows[y];
            for (int x = 0; x < width; x++)
            {
                var (x0, x1, fx) = columns[x];
                double top = (1 - fx) * heat[y0, x0] + fx * heat[y0, x1];
                double bottom = (1 - fx) * heat[y1, x0] + fx * heat[y1, x1];
                resized[y, x] = (float)((1 - fy) * top + fy * bottom);
            }
        }
        return resized;
    }

    /// <summary>For each of <paramref name="outputSize"/> positions: the two source indices and the weight of the second.</summary>
    private static (int Low, int High, double Weight)[] Samples(int inputSize, int outputSize)
    {
        var samples = new (int, int, double)[outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            double source = Math.Clamp((i + 0.5) * inputSize / outputSize - 0.5, 0, inputSize - 1);
            int low = (int)source;
            samples[i] = (low, Math.Min(low + 1, inputSize - 1), source - low);
        }
        return samples;
    }
}
