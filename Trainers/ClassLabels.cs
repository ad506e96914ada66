namespace MLNet.Cnn.Trainers;

internal static class ClassLabels
{
    /// <summary>Refuses training labels that hold a single class: a classifier learns nothing from them.</summary>
    public static void RequireTwoClasses(IReadOnlyList<int> labels, string column, IReadOnlyList<string> names)
    {
        int first = labels[0];
        foreach (int label in labels) if (label != first) return;
        throw new ArgumentException($"The label column '{column}' holds the single class '{names[first]}' in all {labels.Count} training rows; " +
                                    "a classifier needs at least two classes.");
    }
}
