namespace MLNet.Cnn.Detection;

/// <summary>
/// PASCAL VOC detection AP (the devkit's <c>VOCevaldet</c>): per class, all detections of the dataset ranked by score
/// (stable for ties: image order, then input order); each takes the object of its image with the highest IoU (the first
/// one on a tie) and is a true positive when that IoU ≥ the threshold and the object was not taken before, a false
/// positive otherwise (a duplicate does not fall back to another object, unlike COCO). No "difficult" objects (every
/// object counts) and box areas without VOC's "+1" (the project's convention).
/// </summary>
public static class VocEvaluation
{
    /// <summary>Evaluates the detections of <paramref name="images"/> against their ground truth.</summary>
    /// <param name="images">Per image, its ground-truth boxes and its detections (class ids in [0, classCount)).</param>
    /// <param name="classCount">The number of classes; per-class AP has this many entries.</param>
    /// <param name="iouThreshold">The IoU a detection needs to count (0.5: mAP@0.5), in (0, 1].</param>
    /// <param name="interpolation">All-point (VOC2010+, the default) or eleven-point (VOC2007) AP.</param>
    public static VocMetrics Evaluate(IReadOnlyList<DetectionImage> images, int classCount,
        double iouThreshold = 0.5, VocInterpolation interpolation = VocInterpolation.AllPoints)
    {
        DetectionImageCheck.Validate(images, classCount);
        if (!(iouThreshold > 0 && iouThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "The IoU threshold must lie in (0, 1].");
        if (!Enum.IsDefined(interpolation))
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Expected AllPoints or ElevenPoints.");

        var perClass = new double[classCount];
        for (int k = 0; k < classCount; k++)
            perClass[k] = ClassAveragePrecision(images, k, iouThreshold, interpolation);
        var present = perClass.Where(ap => ap >= 0).ToArray();
        return new VocMetrics(present.Length == 0 ? -1 : present.Average(), perClass);
    }

    /// <summary>The AP of one class, or −1 when it has no ground truth.</summary>
    private static double ClassAveragePrecision(IReadOnlyList<DetectionImage> images, int classId, double iouThreshold,
        VocInterpolation interpolation)
    {
        var objects = images.Select(image => image.GroundTruth.Where(g => g.ClassId == classId).ToArray()).ToArray();
        int objectCount = objects.Sum(o => o.Length);
        if (objectCount == 0) return -1;

        var ranked = images
            .SelectMany((image, i) => image.Detections.Where(d => d.ClassId == classId).Select(d => (Image: i, Box: d)))
            .OrderByDescending(e => e.Box.Score)
            .ToArray();
        var taken = objects.Select(o => new bool[o.Length]).ToArray();

        // recall and precision after each ranked detection
        var recall = new double[ranked.Length];
        var precision = new double[ranked.Length];
        int truePositives = 0;
        for (int i = 0; i < ranked.Length; i++)
        {
            var (image, detection) = ranked[i];
            int best = -1;
            double bestIou = double.NegativeInfinity;
            for (int g = 0; g < objects[image].Length; g++)
            {
                double iou = MatchingIoU.Of(detection, objects[image][g]);
                if (iou > bestIou) (best, bestIou) = (g, iou);
            }
            if (best >= 0 && bestIou >= iouThreshold && !taken[image][best])
            {
                taken[image][best] = true;
                truePositives++;
            }
            recall[i] = (double)truePositives / objectCount;
            precision[i] = (double)truePositives / (i + 1);
        }
        return interpolation == VocInterpolation.AllPoints ? AllPointAp(recall, precision) : ElevenPointAp(recall, precision);
    }

    /// <summary>
    /// Σ (r[i+1] − r[i])·p̂[i+1] over the curve framed by (0, 0) and (1, 0), where p̂ is the monotone envelope: the exact
    /// area under the envelope.
    /// </summary>
    private static double AllPointAp(double[] recall, double[] precision)
    {
        double[] r = [0, .. recall, 1];
        double[] p = [0, .. precision, 0];
        PrecisionEnvelope.MakeNonIncreasing(p);
        double ap = 0;
        for (int i = 0; i + 1 < r.Length; i++)
            if (r[i + 1] != r[i]) ap += (r[i + 1] - r[i]) * p[i + 1];
        return ap;
    }

    /// <summary>
    /// (1/11) Σ over t = 0, 0.1, …, 1 of the best precision at recall ≥ t (0 when never reached). t is k·0.1 as the
    /// usual implementations compute it (np.arange(0, 1.1, 0.1)), so 0.3 is 0.30000000000000004.
    /// </summary>
    private static double ElevenPointAp(double[] recall, double[] precision)
    {
        double ap = 0;
        for (int k = 0; k <= 10; k++)
        {
            double t = k * 0.1;
            double best = 0;
            for (int i = 0; i < recall.Length; i++)
                if (recall[i] >= t) best = Math.Max(best, precision[i]);
            ap += best / 11;
        }
        return ap;
    }
}
