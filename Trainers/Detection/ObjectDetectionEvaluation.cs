using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Reads the ground truth and the detections of every row of a scored data view — labels and predicted labels as vectors
/// of keys of one key type, boxes as float vectors of x0, y0, x1, y1, a score per detection — and evaluates them with the
/// core's COCO and VOC metrics. Each row is one image; boxes are compared in whatever pixels both columns use.
/// </summary>
internal static class ObjectDetectionEvaluation
{
    public static CnnObjectDetectionMetrics Evaluate(IDataView data, string labels, string boxes, string predictedLabels, string predictedBoxes, string scores)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schema = data.Schema;
        var labelColumn = schema.GetColumnOrNull(labels);
        DetectionColumns.CheckLabels(labelColumn, labels);
        var predictedColumn = schema.GetColumnOrNull(predictedLabels);
        DetectionColumns.CheckLabels(predictedColumn, predictedLabels);
        var boxColumn = schema.GetColumnOrNull(boxes);
        DetectionColumns.CheckBoxes(boxColumn, boxes);
        var predictedBoxColumn = schema.GetColumnOrNull(predictedBoxes);
        DetectionColumns.CheckBoxes(predictedBoxColumn, predictedBoxes);
        var scoreColumn = schema.GetColumnOrNull(scores);
        DetectionColumns.CheckScores(scoreColumn, scores);
        int classes = KeyLabel.Count(labelColumn!.Value);
        if (KeyLabel.Count(predictedColumn!.Value) != classes)
            throw new ArgumentException($"The label column '{labels}' is a key of {classes} values and the predicted label column '{predictedLabels}' " +
                $"a key of {KeyLabel.Count(predictedColumn.Value)}; they must be of the same key type.");

        var images = new List<DetectionImage>();
        using var cursor = data.GetRowCursor([labelColumn.Value, predictedColumn.Value, boxColumn!.Value, predictedBoxColumn!.Value, scoreColumn!.Value]);
        var getLabels = cursor.GetGetter<VBuffer<uint>>(labelColumn.Value);
        var getPredicted = cursor.GetGetter<VBuffer<uint>>(predictedColumn.Value);
        var getBoxes = cursor.GetGetter<VBuffer<float>>(boxColumn.Value);
        var getPredictedBoxes = cursor.GetGetter<VBuffer<float>>(predictedBoxColumn.Value);
        var getScores = cursor.GetGetter<VBuffer<float>>(scoreColumn.Value);
        VBuffer<uint> keys = default, predictedKeys = default;
        VBuffer<float> corners = default, predictedCorners = default, confidences = default;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            getLabels(ref keys);
            getPredicted(ref predictedKeys);
            getBoxes(ref corners);
            getPredictedBoxes(ref predictedCorners);
            getScores(ref confidences);
            var truth = Boxes(row, keys.DenseValues().ToArray(), corners.DenseValues().ToArray(), labels, boxes);
            var predicted = Boxes(row, predictedKeys.DenseValues().ToArray(), predictedCorners.DenseValues().ToArray(), predictedLabels, predictedBoxes);
            var score = confidences.DenseValues().ToArray();
            if (score.Length != predicted.Length)
                throw new InvalidOperationException($"Row {row}: the score column '{scores}' has {score.Length} values and '{predictedLabels}' {predicted.Length} detections; expected one score per detection.");
            images.Add(new DetectionImage(
                truth.Select(b => new GroundTruthBox(b.X0, b.Y0, b.X1, b.Y1, b.ClassId)).ToArray(),
                predicted.Select((b, i) => new DetectedBox(b.X0, b.Y0, b.X1, b.Y1, b.ClassId, score[i])).ToArray()));
        }
        if (images.Count == 0) throw new ArgumentException("The data has no rows to evaluate.");
        var names = KeyLabel.ClassNames(labelColumn.Value);
        return new CnnObjectDetectionMetrics(CocoEvaluation.Evaluate(images, classes), VocEvaluation.Evaluate(images, classes), names);
    }

    /// <summary>The boxes of one row, with class ids key − 1; refused when the counts differ or a key is missing.</summary>
    private static GroundTruthBox[] Boxes(long row, uint[] keys, float[] corners, string labelColumn, string boxColumn)
    {
        if (corners.Length != 4 * keys.Length)
            throw new InvalidOperationException($"Row {row}: '{labelColumn}' has {keys.Length} labels and '{boxColumn}' {corners.Length} values; expected 4 per label (x0, y0, x1, y1).");
        var result = new GroundTruthBox[keys.Length];
        for (int b = 0; b < keys.Length; b++)
        {
            if (keys[b] == 0) throw new InvalidOperationException($"Row {row}: label {b} in '{labelColumn}' is missing (key 0).");
            result[b] = new GroundTruthBox(corners[4 * b], corners[4 * b + 1], corners[4 * b + 2], corners[4 * b + 3], (int)keys[b] - 1);
        }
        return result;
    }
}
