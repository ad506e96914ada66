using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The column checks of the detection trainer and evaluation, with the types of ML.NET's ObjectDetection trainer: labels
/// a vector of keys, boxes a float vector, the image an MLImage. Each error names the column, what it is and what was expected.
/// </summary>
internal static class DetectionColumns
{
    public static void CheckLabels(SchemaShape.Column? labels, string name)
    {
        if (labels is not { } column) throw Missing(name, "labels", "a vector of keys, one per object (MapValueToKey on a vector of label names)");
        if (!column.IsKey || column.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentException($"The label column '{name}' is {Describe(column)}; expected a vector of keys, one per object (MapValueToKey on a vector of label names).");
    }

    public static void CheckLabels(DataViewSchema.Column? labels, string name)
    {
        if (labels is not { } column) throw Missing(name, "labels", "a vector of keys, one per object (MapValueToKey on a vector of label names)");
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || key.Count > int.MaxValue)
            throw new ArgumentException($"The label column '{name}' is {column.Type}; expected a vector of keys, one per object (MapValueToKey on a vector of label names).");
    }

    public static void CheckBoxes(SchemaShape.Column? boxes, string name)
    {
        if (boxes is not { } column) throw Missing(name, "boxes", "a float vector of x0, y0, x1, y1 per object");
        if (column.ItemType != NumberDataViewType.Single || column.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentException($"The bounding-box column '{name}' is {Describe(column)}; expected a float vector of x0, y0, x1, y1 per object.");
    }

    public static void CheckBoxes(DataViewSchema.Column? boxes, string name)
    {
        if (boxes is not { } column) throw Missing(name, "boxes", "a float vector of x0, y0, x1, y1 per object");
        if (column.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Single)
            throw new ArgumentException($"The bounding-box column '{name}' is {column.Type}; expected a float vector of x0, y0, x1, y1 per object.");
    }

    public static void CheckScores(DataViewSchema.Column? scores, string name)
    {
        if (scores is not { } column) throw Missing(name, "scores", "a float vector of one score per detection");
        if (column.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Single)
            throw new ArgumentException($"The score column '{name}' is {column.Type}; expected a float vector of one score per detection.");
    }

    public static void CheckImage(SchemaShape.Column? image, string name)
    {
        if (image is not { } column) throw Missing(name, "images", "an image (LoadImages)");
        if (column.ItemType is not ImageDataViewType)
            throw new ArgumentException($"The image column '{name}' is {Describe(column)}; expected an image (LoadImages).");
    }

    public static void CheckImage(DataViewSchema.Column? image, string name)
    {
        if (image is not { } column) throw Missing(name, "images", "an image (LoadImages)");
        if (column.Type is not ImageDataViewType)
            throw new ArgumentException($"The image column '{name}' is {column.Type}; expected an image (LoadImages).");
    }

    private static ArgumentException Missing(string name, string what, string expected) =>
        new($"The column '{name}' ({what}) is not in the data; expected {expected}.");

    private static string Describe(SchemaShape.Column column) =>
        $"{(column.IsKey ? "a key" : column.ItemType.ToString())} ({column.Kind})";
}
