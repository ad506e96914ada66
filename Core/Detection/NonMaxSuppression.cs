namespace MLNet.Cnn.Detection;

/// <summary>
/// Greedy non-max suppression with torchvision's semantics (torchvision.ops.nms / batched_nms): boxes are visited by
/// descending score, equal scores in index order (a stable sort, as torchvision's CPU kernel); a visited box is kept
/// unless a kept box of its class overlaps it with IoU strictly greater than the threshold. The result lists the kept
/// indices by descending score. IoU is computed in float as torchvision does for float boxes; a zero-area box has IoU 0
/// with everything, so it never suppresses and is never suppressed.
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>Single-class NMS over xyxy <paramref name="boxes"/> [n, 4] and their <paramref name="scores"/> [n].</summary>
    /// <param name="scoreThreshold">When given, only boxes with a score strictly greater are considered (before NMS).</param>
    /// <param name="maxDetections">When given, at most this many of the kept boxes, the highest-scoring ones.</param>
    public static int[] Keep(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, float iouThreshold,
        float? scoreThreshold = null, int? maxDetections = null) =>
        Run(boxes, scores, classes: [], iouThreshold, scoreThreshold, maxDetections);

    /// <summary>
    /// Per-class NMS: as <see cref="Keep"/>, but a box only suppresses boxes of its own class
    /// (<paramref name="classes"/> [n]); the kept boxes of all classes are listed together by descending score, equal
    /// scores by index. This is torchvision's batched_nms without its coordinate-offset trick (which shifts each class's
    /// boxes far apart and may round their IoU differently in float); its per-class loop keeps the same boxes.
    /// </summary>
    public static int[] KeepPerClass(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes,
        float iouThreshold, float? scoreThreshold = null, int? maxDetections = null)
    {
        BoxCheck.Length(classes, boxes.Length / 4, nameof(classes), "one class per box");
        return Run(boxes, scores, classes, iouThreshold, scoreThreshold, maxDetections);
    }

    private static int[] Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes,
        float iouThreshold, float? scoreThreshold, int? maxDetections)
    {
        int count = BoxCheck.Valid(boxes, nameof(boxes));
        BoxCheck.Length(scores, count, nameof(scores), "one score per box");
        if (float.IsNaN(iouThreshold))
            throw new ArgumentException("iouThreshold must be a number; NaN was given.", nameof(iouThreshold));
        if (maxDetections is < 0)
            throw new ArgumentException($"maxDetections must not be negative; {maxDetections} was given.", nameof(maxDetections));

        var order = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            if (float.IsNaN(scores[i]))
                throw new ArgumentException($"scores[{i}] is NaN; every score must be a number.", nameof(scores));
            if (scoreThreshold is not { } threshold || scores[i] > threshold) order.Add(i);
        }
        var scoreArray = scores.ToArray();
        order.Sort((a, b) => scoreArray[a] != scoreArray[b] ? scoreArray[b].CompareTo(scoreArray[a]) : a.CompareTo(b));

        int limit = maxDetections ?? int.MaxValue;
        var kept = new List<int>();
        foreach (int candidate in order)
        {
            if (kept.Count == limit) break;
            if (!IsSuppressed(candidate, kept, boxes, classes, iouThreshold)) kept.Add(candidate);
        }
        return kept.ToArray();
    }

    private static bool IsSuppressed(int candidate, List<int> kept, ReadOnlySpan<float> boxes, ReadOnlySpan<int> classes,
        float iouThreshold)
    {
        var box = boxes.Slice(4 * candidate, 4);
        foreach (int k in kept)
        {
            if (!classes.IsEmpty && classes[k] != classes[candidate]) continue;
            if (BoxIou.Pair(boxes.Slice(4 * k, 4), box).Iou > iouThreshold) return true;
        }
        return false;
    }
}
