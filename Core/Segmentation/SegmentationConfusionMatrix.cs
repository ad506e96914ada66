namespace MLNet.Cnn.Segmentation;

/// <summary>
/// A K×K confusion matrix of pixels accumulated over a dataset: entry [truth, predicted] counts the pixels of class
/// <c>truth</c> predicted as <c>predicted</c>. Pixels whose ground truth is the ignore label (e.g. 255 for borders or
/// unlabelled areas) are skipped. Metrics come from the whole matrix, not from per-image means.
/// </summary>
public sealed class SegmentationConfusionMatrix
{
    private readonly long[,] _counts;

    /// <param name="classCount">K: class indices are 0 … K − 1.</param>
    /// <param name="ignoreLabel">A ground-truth value whose pixels are skipped; must not be a class index.</param>
    public SegmentationConfusionMatrix(int classCount, int ignoreLabel = 255)
    {
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The number of classes must be positive.");
        if (ignoreLabel >= 0 && ignoreLabel < classCount)
            throw new ArgumentOutOfRangeException(nameof(ignoreLabel), ignoreLabel, $"The ignore label must not be a class index (0 … {classCount - 1}).");
        ClassCount = classCount;
        IgnoreLabel = ignoreLabel;
        _counts = new long[classCount, classCount];
    }

    /// <summary>K, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The ground-truth value whose pixels are skipped.</summary>
    public int IgnoreLabel { get; }

    /// <summary>The pixels of class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    /// <summary>The pixels counted so far (ignored ones excluded).</summary>
    public long PixelCount { get; private set; }

    /// <summary>
    /// Adds one mask (or a batch of masks laid end to end): ground-truth and predicted class per pixel. The masks are
    /// checked whole before anything is counted, so a refused call leaves the matrix as it was.
    /// </summary>
    public void Add(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"The ground truth has {truth.Length} pixels and the prediction {predicted.Length}; they must be the same.", nameof(predicted));
        for (int i = 0; i < truth.Length; i++)
        {
            int t = truth[i], p = predicted[i];
            if (t == IgnoreLabel) continue;
            if (t < 0 || t >= ClassCount)
                throw new ArgumentException($"Ground-truth pixel {i} is {t}; expected a class in [0, {ClassCount}) or the ignore label {IgnoreLabel}.", nameof(truth));
            if (p < 0 || p >= ClassCount)
                throw new ArgumentException($"Predicted pixel {i} is {p}; expected a class in [0, {ClassCount}).", nameof(predicted));
        }
        for (int i = 0; i < truth.Length; i++)
        {
            if (truth[i] == IgnoreLabel) continue;
            _counts[truth[i], predicted[i]]++;
            PixelCount++;
        }
    }

    /// <summary>Pixel accuracy, per-class and mean IoU, Dice and accuracy of the pixels added so far.</summary>
    public SegmentationMetrics ComputeMetrics()
    {
        if (PixelCount == 0)
            throw new InvalidOperationException("No pixel has been counted yet (none added, or all of them carry the ignore label).");
        int k = ClassCount;
        var iou = new double[k];
        var dice = new double[k];
        var accuracy = new double[k];
        long correct = 0;
        for (int c = 0; c < k; c++)
        {
            long truePositives = _counts[c, c];
            long truthPixels = 0, predictedPixels = 0; // row sum: pixels of class c; column sum: pixels predicted as c
            for (int j = 0; j < k; j++)
            {
                truthPixels += _counts[c, j];
                predictedPixels += _counts[j, c];
            }
            long falseNegatives = truthPixels - truePositives, falsePositives = predictedPixels - truePositives;
            iou[c] = Ratio(truePositives, truePositives + falsePositives + falseNegatives);
            dice[c] = Ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
            accuracy[c] = Ratio(truePositives, truthPixels);
            correct += truePositives;
        }
        return new SegmentationMetrics((double)correct / PixelCount, MeanOfDefined(iou), iou, MeanOfDefined(dice), dice,
            MeanOfDefined(accuracy), accuracy);
    }

    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? double.NaN : (double)numerator / denominator;

    private static double MeanOfDefined(double[] values) => values.Where(v => !double.IsNaN(v)).Average();
}
