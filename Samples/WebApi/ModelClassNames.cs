using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// The class names of a loaded classifier, in the order of its <c>Score</c> slots: the <c>SlotNames</c> of <c>Score</c> when
/// the model gives them, else the key values of <c>PredictedLabel</c>'s key column (the training labels, in key order, which
/// is the order of the scores) — hidden in the output schema when a final <c>MapKeyToValue("PredictedLabel")</c> replaced it.
/// </summary>
internal static class ModelClassNames
{
    /// <summary>Reads the names from <paramref name="outputSchema"/>; throws naming the model and what it lacks.</summary>
    public static string[] Read(DataViewSchema outputSchema, string modelPath)
    {
        var score = outputSchema.GetColumnOrNull("Score")
            ?? throw new InvalidOperationException($"The model '{modelPath}' has no 'Score' column; expected a multiclass classifier's pipeline.");
        if (score.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector || vector.ItemType.RawType != typeof(float))
            throw new InvalidOperationException($"The model '{modelPath}' has a 'Score' column of type {score.Type}; expected a known-size vector of float (one probability per class).");
        string[] names = Annotation(score, "SlotNames")
            ?? outputSchema.Where(c => c.Name == "PredictedLabel" && c.Type is KeyDataViewType).Select(c => Annotation(c, "KeyValues")).LastOrDefault(n => n is not null)
            ?? throw new InvalidOperationException($"The model '{modelPath}' names no classes: 'Score' has no SlotNames and 'PredictedLabel' has no key column with KeyValues (train with MapValueToKey(\"Label\") on a text label).");
        if (names.Length != vector.Size)
            throw new InvalidOperationException($"The model '{modelPath}' has {vector.Size} scores but {names.Length} class names.");
        return names;
    }

    /// <summary>A text vector annotation of <paramref name="column"/> as strings, or null when it has none of that kind.</summary>
    private static string[]? Annotation(DataViewSchema.Column column, string kind)
    {
        if (column.Annotations.Schema.GetColumnOrNull(kind) is not { Type: VectorDataViewType { ItemType: TextDataViewType } }) return null;
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.Annotations.GetValue(kind, ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
