namespace MLNet.Cnn.Detection;

/// <summary>
/// The detections of one class in one image, matched to its ground truth at every IoU threshold of COCO for one area
/// range (pycocotools' <c>evaluateImg</c>): the detections in score order (stable for ties) and cut to the 100 best,
/// and for each threshold t and detection d whether d matched an object and whether d is ignored.
/// </summary>
internal sealed class CocoImageMatch
{
    /// <summary>The scores of the kept detections, highest first. [D]</summary>
    public required float[] Scores { get; init; }

    /// <summary>Matched[t, d]: detection d matched an object (counted or ignored) at IoU threshold t. [T, D]</summary>
    public required bool[,] Matched { get; init; }

    /// <summary>Ignored[t, d]: detection d counts neither as true nor as false positive at threshold t. [T, D]</summary>
    public required bool[,] Ignored { get; init; }

    /// <summary>The objects of this class inside the area range: the recall's denominator for this image.</summary>
    public required int CountedObjects { get; init; }

    /// <summary>
    /// Matches, or null when the image has neither objects nor detections of the class (it then adds nothing).
    /// Per threshold, each detection in score order takes the unmatched object of highest IoU ≥ t; objects outside the
    /// area range are ignored: they come after the counted ones, are taken only when no counted object qualifies, and a
    /// detection that takes one is ignored, as is an unmatched detection whose own area is outside the range.
    /// </summary>
    public static CocoImageMatch? Match(DetectionImage image, int classId, (double Min, double Max) areaRange)
    {
        bool Outside(double area) => area < areaRange.Min || area > areaRange.Max;

        // counted objects first, ignored ones after, each group in input order (pycocotools' stable sort on the flag)
        var objects = image.GroundTruth.Where(g => g.ClassId == classId).OrderBy(g => Outside(g.Area) ? 1 : 0).ToArray();
        var detections = image.Detections.Where(d => d.ClassId == classId)
            .OrderByDescending(d => d.Score).Take(CocoEvaluation.MaxDetectionsPerImage).ToArray();
        if (objects.Length == 0 && detections.Length == 0) return null;

        bool[] objectIgnored = objects.Select(g => Outside(g.Area)).ToArray();
        var thresholds = CocoEvaluation.IouThresholds;
        var matched = new bool[thresholds.Length, detections.Length];
        var ignored = new bool[thresholds.Length, detections.Length];
        for (int t = 0; t < thresholds.Length; t++)
        {
            var taken = new bool[objects.Length];
            for (int d = 0; d < detections.Length; d++)
            {
                int best = -1;
                double bestIou = Math.Min(thresholds[t], 1 - 1e-10);
                for (int g = 0; g < objects.Length; g++)
                {
                    if (taken[g]) continue;
                    // once a counted object qualifies, the ignored ones behind it are not considered
                    if (best >= 0 && !objectIgnored[best] && objectIgnored[g]) break;
                    double iou = MatchingIoU.Of(detections[d], objects[g]);
                    if (iou < bestIou) continue;
                    bestIou = iou; // "≥": among equal IoUs the later object wins, as in pycocotools
                    best = g;
                }
                if (best >= 0)
                {
                    taken[best] = true;
                    matched[t, d] = true;
                    ignored[t, d] = objectIgnored[best];
                }
                else
                {
                    ignored[t, d] = Outside(detections[d].Area);
                }
            }
        }
        return new CocoImageMatch
        {
            Scores = detections.Select(d => d.Score).ToArray(),
            Matched = matched,
            Ignored = ignored,
            CountedObjects = objectIgnored.Count(i => !i),
        };
    }
}
