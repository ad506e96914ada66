namespace MLNet.Cnn.Augment;

/// <summary>
/// The exact (non-resampling) geometric ops — flips, crops, padding, ten-crop — as one index copy: each output row
/// reads a chosen source row and each output column a chosen source column.
/// </summary>
internal static class AxisGather
{
    /// <summary>The index that marks "outside": the output pixel takes the fill value.</summary>
    public const int Outside = -1;

    // source [planes, H, W], target [planes, rows.Length, columns.Length]:
    //   target[p, i, j] = source[p, rows[i], columns[j]], or fill where rows[i] or columns[j] is Outside
    public static void Copy<T>(ReadOnlySpan<T> source, int planes, int height, int width, Span<T> target,
        ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, T fill)
    {
        int outHeight = rows.Length, outWidth = columns.Length;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outHeight; i++)
            {
                var targetRow = target.Slice((p * outHeight + i) * outWidth, outWidth);
                if (rows[i] == Outside)
                {
                    targetRow.Fill(fill);
                    continue;
                }
                var sourceRow = source.Slice((p * height + rows[i]) * width, width);
                for (int j = 0; j < outWidth; j++)
                    targetRow[j] = columns[j] == Outside ? fill : sourceRow[columns[j]];
            }
    }

    /// <summary>start, start + 1, …, start + count − 1: a crop of an axis.</summary>
    public static int[] Run(int start, int count)
    {
        var indices = new int[count];
        for (int k = 0; k < count; k++) indices[k] = start + k;
        return indices;
    }

    /// <summary>count − 1, …, 1, 0: the mirrored axis.</summary>
    public static int[] Reversed(int count)
    {
        var indices = new int[count];
        for (int k = 0; k < count; k++) indices[k] = count - 1 - k;
        return indices;
    }

    /// <summary>Gathers the pixels (fill 0) and the mask (fill class 0) of a sample; the targets are the caller's.</summary>
    public static void Apply(AugmentationSample sample, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns)
    {
        int height = sample.Height, width = sample.Width, outHeight = rows.Length, outWidth = columns.Length;
        if (sample.Mask is { } mask)
        {
            var gathered = new int[outHeight * outWidth];
            Copy<int>(mask, 1, height, width, gathered, rows, columns, 0);
            sample.Mask = gathered;
        }
        Copy<float>(sample.Pixels, sample.Channels, height, width, sample.Scratch(outHeight, outWidth), rows, columns, 0f);
        sample.Swap(outHeight, outWidth);
    }
}
