using MLNet.Cnn.Data;

namespace MLNet.Cnn.Trainers;

internal static class ClassLabels
{
    /// <summary>
    /// The classification source of a pixel cache and the labels read with it (the cache is disposed if they are refused);
    /// with <paramref name="requireTwo"/> (training data), labels of a single class are refused.
    /// </summary>
    public static CachedImageSource Source(PixelCache cache, List<int> labels, string column, IReadOnlyList<string> names, bool requireTwo, float scale)
    {
        try
        {
            if (requireTwo) RequireTwoClasses(labels, column, names);
            return CachedImageSource.Classification(cache, labels.ToArray(), names, scale);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>Refuses training labels that hold a single class: a classifier learns nothing from them.</summary>
    private static void RequireTwoClasses(IReadOnlyList<int> labels, string column, IReadOnlyList<string> names)
    {
        int first = labels[0];
        foreach (int label in labels) if (label != first) return;
        throw new ArgumentException($"The label column '{column}' holds the single class '{names[first]}' in all {labels.Count} training rows; " +
                                    "a classifier needs at least two classes.");
    }
}
