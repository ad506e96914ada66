namespace MLNet.Cnn.Detection;

/// <summary>
/// COCO box detection metrics, following the rules of pycocotools' <c>COCOeval</c> (iouType "bbox"):
/// <list type="bullet">
/// <item>per image and class, detections are ranked by score (a stable sort: ties keep their input order) and only the
/// 100 best are kept — the limit is per image <em>and class</em>, as in pycocotools;</item>
/// <item>at each IoU threshold 0.50, 0.55, …, 0.95, each detection in rank order takes the still unmatched object of
/// highest IoU ≥ threshold (a later object wins an exact IoU tie); a second detection of a taken object is a false
/// positive;</item>
/// <item>for the area ranges (all, small &lt; 32², medium 32²–96², large &gt; 96², bounds inclusive), objects outside
/// the range are ignored, and so are detections that match them or that lie outside the range unmatched;</item>
/// <item>over the dataset, precision is made monotone (its envelope) and read at the 101 recall points 0, 0.01, …, 1;
/// AP averages them over thresholds and over the classes that have ground truth (a class without is −1 and left out).</item>
/// </list>
/// Differences from pycocotools, by design: there are no crowd annotations (every object counts, none is "iscrowd"), and an
/// object's area is its box area (x1 − x0)(y1 − y0), no "+1", where COCO files carry a separate (mask) area.
/// </summary>
public static class CocoEvaluation
{
    /// <summary>The detection limits of the summary: AR@1, AR@10 and everything else at 100.</summary>
    private static readonly int[] MaxDetections = [1, 10, 100];

    /// <summary>The largest number of detections per image and class that any figure reads.</summary>
    internal const int MaxDetectionsPerImage = 100;

    /// <summary>0.50, 0.55, …, 0.95 computed as numpy's linspace does (i·step + 0.5, the last one exactly 0.95).</summary>
    internal static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);

    /// <summary>0, 0.01, …, 1 computed as numpy's linspace does, so recall comparisons agree bit for bit.</summary>
    internal static readonly double[] RecallPoints = Linspace(0, 1, 101);

    /// <summary>all, small, medium, large: box areas in pixels², both bounds inclusive.</summary>
    private static readonly (double Min, double Max)[] AreaRanges =
        [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)];

    private const int All = 0, Small = 1, Medium = 2, Large = 3;
    private const int Iou50 = 0, Iou75 = 5;

    /// <summary>Evaluates the detections of <paramref name="images"/> against their ground truth.</summary>
    /// <param name="images">Per image, its ground-truth boxes and its detections (class ids in [0, classCount)).</param>
    /// <param name="classCount">The number of classes; per-class AP has this many entries.</param>
    public static CocoMetrics Evaluate(IReadOnlyList<DetectionImage> images, int classCount)
    {
        DetectionImageCheck.Validate(images, classCount);
        // curves[k, a, m]: class k, area range a, detection limit m; null where the class has no counted object
        var curves = new CocoCurve?[classCount, AreaRanges.Length, MaxDetections.Length];
        for (int k = 0; k < classCount; k++)
        {
            for (int a = 0; a < AreaRanges.Length; a++)
            {
                var matches = images.Select(image => CocoImageMatch.Match(image, k, AreaRanges[a]))
                    .OfType<CocoImageMatch>().ToArray();
                for (int m = 0; m < MaxDetections.Length; m++)
                    curves[k, a, m] = CocoCurve.Accumulate(matches, MaxDetections[m]);
            }
        }

        int last = MaxDetections.Length - 1;
        double Precision(int area, int? threshold = null) =>
            MeanOver(Enumerable.Range(0, classCount).Select(k => curves[k, area, last]), c => PrecisionValues(c, threshold));
        double Recall(int area, int limit) =>
            MeanOver(Enumerable.Range(0, classCount).Select(k => curves[k, area, limit]), c => c.Recall);

        return new CocoMetrics(
            Precision(All), Precision(All, Iou50), Precision(All, Iou75),
            Precision(Small), Precision(Medium), Precision(Large),
            Recall(All, 0), Recall(All, 1), Recall(All, last),
            Recall(Small, last), Recall(Medium, last), Recall(Large, last),
            Enumerable.Range(0, classCount).Select(k => MeanOver([curves[k, All, last]], c => PrecisionValues(c, null))).ToArray());
    }

    /// <summary>The 101 recall points 0, 0.01, …, 1 at which COCO reads the precision (<see cref="PrecisionCurve"/>'s x axis).</summary>
    public static IReadOnlyList<double> RecallLevels => RecallPoints;

    /// <summary>
    /// The precision–recall curve of class <paramref name="classId"/> at one of COCO's IoU thresholds 0.50, 0.55, …, 0.95
    /// (default 0.5), all areas, 100 detections per image and class: the interpolated precision (its non-increasing
    /// envelope) at each of the <see cref="RecallLevels"/>, 0 past the highest recall reached. These are the values that
    /// <see cref="Evaluate"/> averages: their mean is the class's AP at that threshold. Null when the class has no ground truth.
    /// </summary>
    public static IReadOnlyList<double>? PrecisionCurve(IReadOnlyList<DetectionImage> images, int classCount, int classId, double iouThreshold = 0.5)
    {
        DetectionImageCheck.Validate(images, classCount);
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classId, classCount);
        int t = Array.FindIndex(IouThresholds, threshold => Math.Abs(threshold - iouThreshold) < 1e-9);
        if (t < 0)
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "COCO's IoU thresholds are 0.50, 0.55, …, 0.95.");
        var matches = images.Select(image => CocoImageMatch.Match(image, classId, AreaRanges[All])).OfType<CocoImageMatch>().ToArray();
        var curve = CocoCurve.Accumulate(matches, MaxDetectionsPerImage);
        return curve is null ? null : PrecisionValues(curve, t).ToArray();
    }

    /// <summary>The precision values of a curve at one IoU threshold (an index), or at all of them.</summary>
    private static IEnumerable<double> PrecisionValues(CocoCurve curve, int? threshold)
    {
        for (int t = 0; t < IouThresholds.Length; t++)
        {
            if (threshold is int only && t != only) continue;
            for (int r = 0; r < RecallPoints.Length; r++) yield return curve.Precision[t, r];
        }
    }

    /// <summary>The mean of the values of the classes that have a curve; −1 when none has (pycocotools' convention).</summary>
    private static double MeanOver(IEnumerable<CocoCurve?> curves, Func<CocoCurve, IEnumerable<double>> values)
    {
        var all = curves.OfType<CocoCurve>().SelectMany(values).ToArray();
        return all.Length == 0 ? -1 : all.Average();
    }

    private static double[] Linspace(double start, double stop, int count)
    {
        double step = (stop - start) / (count - 1);
        var values = Enumerable.Range(0, count).Select(i => i * step + start).ToArray();
        values[^1] = stop;
        return values;
    }
}
