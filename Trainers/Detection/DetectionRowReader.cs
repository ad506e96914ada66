using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Reads the objects of one detection row — a vector of label keys, a float vector of boxes x0, y0, x1, y1 in the image's
/// pixels, the image itself for its size — checks them and scales the boxes to the network's input (the image is
/// stretched to it). Refused with the row and the column: a missing key, a box vector whose length is not a multiple of
/// 4 or not 4 per label, a box that is not finite, has x1 &lt; x0 or y1 &lt; y0, or lies outside the image, and an image
/// that is missing or empty. A row without objects is a valid negative example.
/// </summary>
internal sealed class DetectionRowReader(DataViewSchema.Column labels, DataViewSchema.Column boxes, DataViewSchema.Column image,
    int[] classOf, string[] names, int inputWidth, int inputHeight)
{
    /// <summary>The per-row reader of <see cref="RowReader.Read"/>: adds each row's objects (network pixels) to <paramref name="objects"/>.</summary>
    public Func<DataViewRowCursor, Action<long>> Into(List<GroundTruthBox[]> objects) => cursor =>
    {
        var getLabels = cursor.GetGetter<VBuffer<uint>>(labels);
        var getBoxes = cursor.GetGetter<VBuffer<float>>(boxes);
        var getImage = cursor.GetGetter<MLImage>(image);
        VBuffer<uint> keys = default;
        VBuffer<float> values = default;
        MLImage picture = null!;
        return row =>
        {
            getImage(ref picture);
            if (picture is not { Width: > 0, Height: > 0 })
                throw new InvalidOperationException($"Row {row}: the image column '{image.Name}' holds no image (an empty or missing image file).");
            getLabels(ref keys);
            getBoxes(ref values);
            objects.Add(Objects(row, keys.DenseValues().ToArray(), values.DenseValues().ToArray(), picture.Width, picture.Height));
        };
    };

    private GroundTruthBox[] Objects(long row, uint[] keys, float[] corners, int width, int height)
    {
        if (corners.Length % 4 != 0)
            throw new InvalidOperationException($"Row {row}: the bounding-box column '{boxes.Name}' has {corners.Length} values, not a multiple of 4 (x0, y0, x1, y1 per object).");
        if (corners.Length / 4 != keys.Length)
            throw new InvalidOperationException($"Row {row}: the label column '{labels.Name}' has {keys.Length} labels and the bounding-box column '{boxes.Name}' " +
                $"{corners.Length / 4} boxes ({corners.Length} values); expected one box per label.");
        float scaleX = (float)inputWidth / width, scaleY = (float)inputHeight / height;
        var result = new GroundTruthBox[keys.Length];
        for (int b = 0; b < keys.Length; b++)
        {
            if (keys[b] == 0)
                throw new InvalidOperationException($"Row {row}: label {b} in column '{labels.Name}' is missing — a value the key mapping (MapValueToKey) " +
                    "did not see when it was fitted; fit the key mapping on data with every label.");
            int classId = classOf[keys[b] - 1];
            if (classId < 0)
                throw new InvalidOperationException($"Row {row}: the label '{names[keys[b] - 1]}' in column '{labels.Name}' did not occur in the training data.");
            float x0 = corners[4 * b], y0 = corners[4 * b + 1], x1 = corners[4 * b + 2], y1 = corners[4 * b + 3];
            if (!(float.IsFinite(x0) && float.IsFinite(y0) && float.IsFinite(x1) && float.IsFinite(y1)) || x1 < x0 || y1 < y0)
                throw new InvalidOperationException($"Row {row}: box {b} in column '{boxes.Name}' is ({x0}, {y0}, {x1}, {y1}); expected finite x0, y0, x1, y1 with x0 ≤ x1 and y0 ≤ y1.");
            if (x0 < 0 || y0 < 0 || x1 > width || y1 > height)
                throw new InvalidOperationException($"Row {row}: box {b} in column '{boxes.Name}' is ({x0}, {y0}, {x1}, {y1}), outside the {width}×{height} image; " +
                    "boxes are in the image's pixels, 0 ≤ x0 ≤ x1 ≤ width and 0 ≤ y0 ≤ y1 ≤ height (clip them to the image).");
            result[b] = new GroundTruthBox(x0 * scaleX, y0 * scaleY, x1 * scaleX, y1 * scaleY, classId);
        }
        return result;
    }
}
