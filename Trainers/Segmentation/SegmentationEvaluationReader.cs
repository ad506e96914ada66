using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Segmentation;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Adds every row of a scored data view — a mask (bytes or keys, see <see cref="MaskColumn"/>) and the predicted keys of
/// the same pixels — to one <see cref="SegmentationConfusionMatrix"/> and reads its metrics.
/// </summary>
internal static class SegmentationEvaluationReader
{
    /// <summary>The ignore value inside the matrix (no class index is negative).</summary>
    private const int Ignore = -1;

    public static CnnSegmentationMetrics Evaluate(IDataView data, string label, string predicted, int? ignoreLabel)
    {
        ArgumentNullException.ThrowIfNull(data);
        var mask = MaskColumn.Of(data.Schema.GetColumnOrNull(label), label);
        var prediction = MaskColumn.Of(data.Schema.GetColumnOrNull(predicted), predicted);
        if (!prediction.IsKey)
            throw new ArgumentException($"The predicted label column '{predicted}' is {prediction.Column.Type}; expected a vector of keys (what the segmentation trainer writes).");
        int classes = KeyLabel.Count(prediction.Column);
        if (mask.IsKey && KeyLabel.Count(mask.Column) != classes)
            throw new ArgumentException($"The mask column '{label}' is a key of {KeyLabel.Count(mask.Column)} values and '{predicted}' a key of {classes}; they must be of the same key type.");
        var matrix = new SegmentationConfusionMatrix(classes, Ignore);
        using var cursor = data.GetRowCursor([mask.Column, prediction.Column]);
        var readTruth = mask.Reader(cursor, ignoreLabel, Ignore);
        var readPrediction = prediction.Reader(cursor, null, Ignore);
        for (long row = 0; cursor.MoveNext(); row++)
        {
            int[] truth = readTruth(), guess = readPrediction();
            if (truth.Length != guess.Length)
                throw new InvalidOperationException($"Row {row}: the mask column '{label}' has {truth.Length} pixels and '{predicted}' {guess.Length}; " +
                    "compare masks of the network's resolution (the trainer predicts at its input size).");
            try { matrix.Add(truth, guess); }
            catch (ArgumentException e) { throw new InvalidOperationException($"Row {row}: {e.Message}", e); }
        }
        if (matrix.PixelCount == 0) throw new ArgumentException("The data has no rows, or only ignored pixels, to evaluate.");
        return new CnnSegmentationMetrics(matrix.ComputeMetrics(), KeyLabel.ClassNames(prediction.Column));
    }
}
