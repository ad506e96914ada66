using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Reads a pixel column and a label column into memory in one pass, refusing non-finite pixels with the row, column and
/// index. The label is read by the task (key, Boolean, float …): <c>readLabel(cursor)</c> returns the per-row reader,
/// called with the row number after the pixels of that row are taken.
/// </summary>
internal static class RowReader
{
    public static (float[] Pixels, long Rows) Read(IDataView data, string pixelColumn, string displayedColumn, int imageSize,
        DataViewSchema.Column label, Func<DataViewRowCursor, Action<long>> readLabel)
    {
        var pixelsColumn = data.Schema[pixelColumn];
        var pixels = new List<float>();
        long row = 0;
        using (var cursor = data.GetRowCursor([pixelsColumn, label]))
        {
            var getPixels = cursor.GetGetter<VBuffer<float>>(pixelsColumn);
            var labelOfRow = readLabel(cursor);
            VBuffer<float> buffer = default;
            while (Next(cursor, row, displayedColumn))
            {
                try { getPixels(ref buffer); }
                catch (Exception e) when (e is not OutOfMemoryException) { throw Unreadable(row, displayedColumn, e); }
                if (buffer.Length != imageSize)
                    throw new InvalidOperationException($"Row {row}: the feature column '{displayedColumn}' has {buffer.Length} pixels; expected {imageSize}.");
                int start = pixels.Count;
                pixels.AddRange(buffer.DenseValues());
                var span = CollectionsMarshal.AsSpan(pixels)[start..];
                for (int i = 0; i < span.Length; i++)
                    if (!float.IsFinite(span[i]))
                        throw new InvalidOperationException($"Row {row}: the feature column '{displayedColumn}' has the value {span[i]} at index {i}; pixels must be finite.");
                labelOfRow(row);
                row++;
            }
        }
        if (row == 0) throw new InvalidOperationException($"The data has no rows; the trainer needs images in '{displayedColumn}' and labels in '{label.Name}'.");
        return (pixels.ToArray(), row);
    }

    /// <summary>MoveNext, with the upstream failure (an image that does not load …) reported with the row and the column.</summary>
    private static bool Next(DataViewRowCursor cursor, long row, string column)
    {
        try { return cursor.MoveNext(); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw Unreadable(row, column, e); }
    }

    private static InvalidOperationException Unreadable(long row, string column, Exception e) =>
        new($"Row {row}: the feature column '{column}' could not be read: {e.GetBaseException().Message}", e);
}
