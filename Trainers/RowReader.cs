using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers;

/// <summary>What <see cref="RowReader"/> reads and where it puts it.</summary>
/// <param name="PixelColumn">The column of pixels [C, H, W] (the user's vector, or the image chain's output).</param>
/// <param name="FeatureColumn">The user's feature column, for messages.</param>
/// <param name="Storage">Bytes (images: whole values 0 … 255) or floats (pixel vectors).</param>
/// <param name="Shape">One image [C, H, W].</param>
/// <param name="CacheDirectory">Where the pixel cache's file goes (null: the system's temporary folder).</param>
/// <param name="Cancellation">Stops the reading between two rows.</param>
/// <param name="SkipUnreadable">Called with a message for each row whose image cannot be read, which is then left out; null: such a row stops the reading.</param>
internal sealed record RowSource(string PixelColumn, string FeatureColumn, PixelStorage Storage, TensorShape Shape, string? CacheDirectory,
    CancellationToken Cancellation, Action<string>? SkipUnreadable);

/// <summary>
/// Reads a pixel column and a label column in one pass into a <see cref="PixelCache"/> on disk (the process keeps one row,
/// whatever the number of rows), refusing non-finite pixels with the row, column and index. An image that cannot be
/// read is reported with its row and the row's text columns (the file's path, when the data has one), and stops the
/// reading or is skipped (<see cref="RowSource.SkipUnreadable"/>). The label is read by the task (key, Boolean, float …):
/// <c>readLabel(cursor)</c> returns the per-row reader, called with the row number for every row kept.
/// </summary>
internal static class RowReader
{
    /// <param name="data">The rows.</param>
    /// <param name="source">Which column holds the pixels and where the cache goes.</param>
    /// <param name="label">The label column (read by <paramref name="readLabel"/>).</param>
    /// <param name="readLabel">The task's label reader: given the cursor, the action that reads the label of the row it is on.</param>
    /// <param name="more">Further columns the label reader reads (e.g. a detector's boxes and images).</param>
    public static PixelCache Read(IDataView data, RowSource source, DataViewSchema.Column label, Func<DataViewRowCursor, Action<long>> readLabel,
        IEnumerable<DataViewSchema.Column>? more = null)
    {
        var pixelsColumn = data.Schema[source.PixelColumn];
        var texts = data.Schema.Where(c => !c.IsHidden && c.Type is TextDataViewType).ToArray();
        var cache = PixelCache.CreateTemporary(source.CacheDirectory, source.Storage, source.Shape[0], source.Shape[1], source.Shape[2]);
        try
        {
            long row = 0;
            // One cursor, not ML.NET's default for image transforms (rows split over threads, then put back together), whose
            // failure surfaces in MoveNext without its row; the cache is built once per Fit.
            using (var cursor = data.GetRowCursorSet([pixelsColumn, label, .. texts, .. more ?? []], 1)[0])
            {
                var getPixels = cursor.GetGetter<VBuffer<float>>(pixelsColumn);
                var labelOfRow = readLabel(cursor);
                VBuffer<float> buffer = default;
                while (Next(cursor, row, source.FeatureColumn))
                {
                    source.Cancellation.ThrowIfCancellationRequested();
                    try { getPixels(ref buffer); }
                    catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
                    {
                        var unreadable = Unreadable(row, source.FeatureColumn, Describe(cursor, texts), e);
                        if (source.SkipUnreadable is not { } skip) throw unreadable;
                        skip($"{unreadable.Message}; the row is left out.");
                        row++;
                        continue;
                    }
                    if (buffer.Length != source.Shape.Length)
                        throw new InvalidOperationException($"Row {row}: the feature column '{source.FeatureColumn}' has {buffer.Length} pixels; expected {source.Shape.Length}.");
                    var values = buffer.GetValues();
                    if (!buffer.IsDense && values.Length == 0)
                        throw new InvalidOperationException($"Row {row}{Describe(cursor, texts)}: the feature column '{source.FeatureColumn}' holds no image (an empty or missing image file).");
                    if (!buffer.IsDense) throw new InvalidOperationException($"Row {row}: the feature column '{source.FeatureColumn}' is sparse; expected dense pixels.");
                    for (int i = 0; i < values.Length; i++)
                        if (!float.IsFinite(values[i]))
                            throw new InvalidOperationException($"Row {row}: the feature column '{source.FeatureColumn}' has the value {values[i]} at index {i}; pixels must be finite.");
                    cache.Append(values);
                    labelOfRow(row);
                    row++;
                }
            }
            if (cache.Count == 0)
                throw new InvalidOperationException(row == 0
                    ? $"The data has no rows; the trainer needs images in '{source.FeatureColumn}' and labels in '{label.Name}'."
                    : $"None of the {row} rows has an image that could be read in '{source.FeatureColumn}'.");
            cache.Complete();
            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>MoveNext, with the upstream failure reported with the row and the column.</summary>
    private static bool Next(DataViewRowCursor cursor, long row, string column)
    {
        try { return cursor.MoveNext(); }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException)) { throw Unreadable(row, column, "", e); }
    }

    /// <summary>" (ImagePath = 'a/b.jpg', Label = 'cat')": the row's text columns, which name its file when it has one.</summary>
    private static string Describe(DataViewRowCursor cursor, DataViewSchema.Column[] texts)
    {
        var values = new List<string>();
        foreach (var column in texts)
        {
            try
            {
                ReadOnlyMemory<char> value = default;
                cursor.GetGetter<ReadOnlyMemory<char>>(column)(ref value);
                values.Add($"{column.Name} = '{value}'");
            }
            catch (Exception e) when (e is not OutOfMemoryException) { }
        }
        return values.Count == 0 ? "" : $" ({string.Join(", ", values)})";
    }

    private static InvalidOperationException Unreadable(long row, string column, string description, Exception e) =>
        new($"Row {row}{description}: the feature column '{column}' could not be read: {e.GetBaseException().Message}", e);
}
