namespace MLNet.Cnn.Detection;

/// <summary>
/// The precision/recall summary of one class, one area range and one detection limit over the whole dataset
/// (pycocotools' <c>accumulate</c>): precision at the 101 recall points and the final recall, per IoU threshold.
/// </summary>
internal sealed class CocoCurve
{
    /// <summary>np.spacing(1) = 2⁻⁵², which pycocotools adds to the precision's denominator.</summary>
    private const double Spacing = 2.220446049250313e-16;

    /// <summary>Precision[t, r]: the interpolated precision at recall point r (0, 0.01, …, 1) for IoU threshold t. [T, R]</summary>
    public required double[,] Precision { get; init; }

    /// <summary>Recall[t]: the recall reached with every kept detection at IoU threshold t. [T]</summary>
    public required double[] Recall { get; init; }

    /// <summary>
    /// The curve over all images, each contributing its <paramref name="maxDetections"/> best detections, or null
    /// when the class has no counted object (pycocotools' −1: the class is left out of the means).
    /// </summary>
    public static CocoCurve? Accumulate(IReadOnlyList<CocoImageMatch> images, int maxDetections)
    {
        int objects = images.Sum(m => m.CountedObjects);
        if (objects == 0) return null;

        // every kept detection of every image, image by image, then by score (stable: ties keep this order)
        var ranked = images
            .SelectMany(m => Enumerable.Range(0, Math.Min(maxDetections, m.Scores.Length)).Select(d => (Image: m, Index: d)))
            .OrderByDescending(e => e.Image.Scores[e.Index])
            .ToArray();

        var thresholds = CocoEvaluation.IouThresholds;
        var recallPoints = CocoEvaluation.RecallPoints;
        var precision = new double[thresholds.Length, recallPoints.Length];
        var finalRecall = new double[thresholds.Length];
        for (int t = 0; t < thresholds.Length; t++)
        {
            // cumulative recall and precision after each ranked detection; an ignored one repeats the previous point
            var recall = new double[ranked.Length];
            var precisionAt = new double[ranked.Length];
            double truePositives = 0, falsePositives = 0;
            for (int i = 0; i < ranked.Length; i++)
            {
                var (image, d) = ranked[i];
                if (!image.Ignored[t, d])
                {
                    if (image.Matched[t, d]) truePositives++;
                    else falsePositives++;
                }
                recall[i] = truePositives / objects;
                precisionAt[i] = truePositives / (falsePositives + truePositives + Spacing);
            }
            finalRecall[t] = ranked.Length > 0 ? recall[^1] : 0;
            PrecisionEnvelope.MakeNonIncreasing(precisionAt);

            // precision at each recall point: at the first detection whose recall reaches it; 0 past the last one
            int first = 0;
            for (int r = 0; r < recallPoints.Length; r++)
            {
                while (first < ranked.Length && recall[first] < recallPoints[r]) first++;
                if (first == ranked.Length) break;
                precision[t, r] = precisionAt[first];
            }
        }
        return new CocoCurve { Precision = precision, Recall = finalRecall };
    }
}
