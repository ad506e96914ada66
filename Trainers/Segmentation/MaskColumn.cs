using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A per-pixel class column of the segmentation trainer and evaluation: a vector of bytes (class indices, and an ignore
/// value) or of keys (class k is key k + 1; key 0, missing, is ignored). Its checks, its class names and reading one row as
/// class indices with a chosen ignore value.
/// </summary>
internal sealed class MaskColumn
{
    private MaskColumn(DataViewSchema.Column column, bool keys) => (Column, IsKey) = (column, keys);

    public DataViewSchema.Column Column { get; }

    /// <summary>Keys (else bytes).</summary>
    public bool IsKey { get; }

    private const string Expected = "a vector of one class per pixel: bytes (class indices) or keys (MapValueToKey)";

    public static MaskColumn Of(DataViewSchema.Column? column, string name)
    {
        if (column is not { } c) throw new ArgumentException($"The mask column '{name}' is not in the data; expected {Expected}.");
        return c.Type switch
        {
            VectorDataViewType { ItemType: KeyDataViewType key } when key.Count <= int.MaxValue => new MaskColumn(c, keys: true),
            VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => new MaskColumn(c, keys: false),
            _ => throw new ArgumentException($"The mask column '{name}' is {c.Type}; expected {Expected}."),
        };
    }

    public static void Check(SchemaShape.Column? column, string name)
    {
        if (column is not { } c) throw new ArgumentException($"The mask column '{name}' is not in the data; expected {Expected}.");
        if (c.Kind == SchemaShape.Column.VectorKind.Scalar || !(c.IsKey || c.ItemType == NumberDataViewType.Byte))
            throw new ArgumentException($"The mask column '{name}' is {(c.IsKey ? "a key" : c.ItemType.ToString())} ({c.Kind}); expected {Expected}.");
    }

    /// <summary>A key mask's class names (its key values, or "1", "2", … without); null for bytes.</summary>
    public string[]? KeyClassNames => IsKey ? KeyLabel.ClassNames(Column) : null;

    /// <summary>Reads the current row's mask as class indices, with <paramref name="ignore"/> for a missing key or the byte ignore value.</summary>
    public Func<int[]> Reader(DataViewRow row, int? byteIgnore, int ignore)
    {
        if (IsKey)
        {
            var get = row.GetGetter<VBuffer<uint>>(Column);
            VBuffer<uint> keys = default;
            return () =>
            {
                get(ref keys);
                return keys.DenseValues().Select(k => k == 0 ? ignore : (int)k - 1).ToArray();
            };
        }
        var getBytes = row.GetGetter<VBuffer<byte>>(Column);
        VBuffer<byte> bytes = default;
        return () =>
        {
            getBytes(ref bytes);
            return bytes.DenseValues().Select(b => b == byteIgnore ? ignore : b).ToArray();
        };
    }
}
