using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// A data view equal to <paramref name="inner"/> except that column <paramref name="column"/> carries
/// <paramref name="annotations"/> (ML.NET has no public transform that adds an annotation). Rows, row counts and
/// shuffling are the inner view's; columns keep their indices, so a column of this schema is the inner column of the
/// same index.
/// </summary>
internal sealed class AnnotatedDataView(IDataView inner, int column, DataViewSchema.Annotations annotations) : IDataView
{
    public DataViewSchema Schema { get; } = Annotated(inner.Schema, column, annotations);

    public bool CanShuffle => inner.CanShuffle;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(inner.GetRowCursor(Inner(columnsNeeded), rand), Schema);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [.. inner.GetRowCursorSet(Inner(columnsNeeded), n, rand).Select(c => new Cursor(c, Schema))];

    private IEnumerable<DataViewSchema.Column> Inner(IEnumerable<DataViewSchema.Column> columns) => columns.Select(c => inner.Schema[c.Index]);

    /// <summary><paramref name="schema"/> with <paramref name="annotations"/> on column <paramref name="index"/> instead of its own.</summary>
    public static DataViewSchema Annotated(DataViewSchema schema, int index, DataViewSchema.Annotations annotations)
    {
        var builder = new DataViewSchema.Builder();
        // Every column in order, hidden ones too (the builder hides an earlier column of the same name again).
        foreach (var c in schema)
            builder.AddColumn(c.Name, c.Type, c.Index == index ? annotations : c.Annotations);
        return builder.ToSchema();
    }

    private sealed class Cursor(DataViewRowCursor inner, DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema => schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool MoveNext() => inner.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(inner.Schema[column.Index]);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => inner.GetGetter<TValue>(inner.Schema[column.Index]);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
