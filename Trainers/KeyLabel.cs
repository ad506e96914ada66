using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>A key-typed label column: its checks, its key values (the class names) and reading it as class indices.</summary>
internal static class KeyLabel
{
    public const string KeyValuesKind = "KeyValues";

    public static void Check(DataViewSchema.Column label)
    {
        if (label.Type is not KeyDataViewType key)
            throw new ArgumentException($"The label column '{label.Name}' is {label.Type}; expected a key type (use Transforms.Conversion.MapValueToKey).");
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentException($"The label column '{label.Name}' is a key of {key.Count} values; a classifier needs at least 2 classes.");
    }

    public static void Check(SchemaShape.Column label)
    {
        if (!label.IsKey)
            throw new ArgumentException($"The label column '{label.Name}' is {label.ItemType}; expected a key type (use Transforms.Conversion.MapValueToKey).");
    }

    /// <summary>The key count of a key column, or of a vector of keys.</summary>
    public static int Count(DataViewSchema.Column label) => (int)((KeyDataViewType)((label.Type as VectorDataViewType)?.ItemType ?? label.Type)).Count;

    /// <summary>The item type of the key values, or null when the key has none.</summary>
    public static DataViewType? ValuesType(DataViewSchema.Column label) =>
        (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind)?.Type as VectorDataViewType)?.ItemType;

    /// <summary>The key values as an array of their raw type (string for text), or null when the key has none.</summary>
    public static Array? Values(DataViewSchema.Column label)
    {
        if (ValuesType(label) is not { } itemType) return null;
        var values = (Array)typeof(KeyLabel).GetMethod(nameof(ValuesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(itemType.RawType).Invoke(null, [label])!;
        return values is ReadOnlyMemory<char>[] text ? text.Select(t => t.ToString()).ToArray() : values;
    }

    private static T[] ValuesOf<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(KeyValuesKind, ref values);
        return values.DenseValues().ToArray();
    }

    /// <summary>Class i's name: the i-th key value, or "i + 1" (the key itself) when the key has no values.</summary>
    public static string[] ClassNames(DataViewSchema.Column label)
    {
        var values = Values(label);
        return Enumerable.Range(0, Count(label))
            .Select(i => values is not null && i < values.Length ? values.GetValue(i)?.ToString() ?? $"{i + 1}" : $"{i + 1}").ToArray();
    }

    /// <summary>
    /// Reads the key as a class index into <paramref name="labels"/>. Class i of this column is class
    /// <c>classOf[i]</c> of the training set (-1: a value training never saw, refused with the row and the value).
    /// </summary>
    public static Func<DataViewRowCursor, Action<long>> Reader(DataViewSchema.Column label, List<int> labels, int[] classOf, string[] names) => cursor =>
    {
        var get = cursor.GetGetter<uint>(label);
        uint key = 0;
        return row =>
        {
            get(ref key);
            if (key == 0)
                throw new InvalidOperationException($"Row {row}: the label column '{label.Name}' has a missing value — a value the key mapping " +
                    "(MapValueToKey) did not see when it was fitted; fit the key mapping on data with every label.");
            int index = classOf[key - 1];
            if (index < 0)
                throw new InvalidOperationException($"Row {row}: the label '{names[key - 1]}' in column '{label.Name}' did not occur in the training data.");
            labels.Add(index);
        };
    };
}
