using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Turns a <see cref="YoloHead"/>'s output into detections per image: every (anchor, cell) decodes to a box (see
/// <see cref="YoloHead"/>) and scores each class c as σ(objectness)·softmax(class logits)_c (YOLOv2's softmax over
/// classes, one class per object, matching <see cref="YoloLoss"/>'s cross-entropy); the (box, class) pairs above the
/// score threshold go through per-class NMS (<see cref="NonMaxSuppression.KeepPerClass"/>), keeping at most the
/// top-scoring <see cref="YoloDecodeOptions.MaxDetections"/>.
/// </summary>
public static class YoloDecoder
{
    /// <summary>Detections of each of the N images of <paramref name="output"/> [N, A·(5 + K), H, W], by descending score.</summary>
    public static IReadOnlyList<DetectedBox>[] Decode(YoloHead head, Tensor output, YoloDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(head);
        options ??= new YoloDecodeOptions();
        Check(options);
        var grid = head.GridOf(output);
        var result = new IReadOnlyList<DetectedBox>[grid.Batch];
        for (int n = 0; n < grid.Batch; n++)
            result[n] = DecodeImage(head, output.Span, grid, n, options);
        return result;
    }

    private static DetectedBox[] DecodeImage(YoloHead head, ReadOnlySpan<float> output, YoloGrid grid, int n, YoloDecodeOptions options)
    {
        int positions = head.AnchorCount * grid.Height * grid.Width, classes = head.ClassCount;
        var boxes = new float[positions * 4];
        var scores = new float[positions * classes];
        for (int a = 0, p = 0; a < head.AnchorCount; a++)
            for (int i = 0; i < grid.Height; i++)
                for (int j = 0; j < grid.Width; j++, p++)
                {
                    float objectness = YoloHead.Sigmoid(output[head.Index(grid, n, a, YoloHead.Objectness, i, j)]);
                    var probabilities = scores.AsSpan(p * classes, classes);
                    for (int c = 0; c < classes; c++)
                        probabilities[c] = output[head.Index(grid, n, a, YoloHead.FirstClass + c, i, j)];
                    System.Numerics.Tensors.TensorPrimitives.SoftMax(probabilities, probabilities);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(probabilities, objectness, probabilities);
                    head.DecodeBox(output, grid, n, a, i, j, boxes.AsSpan(p * 4, 4));
                }
        return Select(boxes, scores, classes, options);
    }

    /// <summary>
    /// The detections of one image from its decoded positions: <paramref name="boxes"/> [P, 4] (xyxy) and
    /// <paramref name="scores"/> [P, K] (a score per class). The (box, class) pairs scoring strictly above the threshold
    /// go through per-class NMS; at most <see cref="YoloDecodeOptions.MaxDetections"/> are kept, by descending score.
    /// This is the step after the scoring graph's <c>ScoringHead.YoloDetections</c> outputs.
    /// </summary>
    public static DetectedBox[] Select(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, int classes, YoloDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (boxes.Length % 4 != 0 || scores.Length != boxes.Length / 4 * classes)
            throw new ArgumentException($"{boxes.Length} box values and {scores.Length} scores are not P boxes [P, 4] and their scores [P, {classes}].", nameof(scores));
        var kept = new List<float>();
        var keptScores = new List<float>();
        var keptClasses = new List<int>();
        for (int p = 0; p < boxes.Length / 4; p++)
            for (int c = 0; c < classes; c++)
            {
                float score = scores[p * classes + c];
                if (!(score > options.ScoreThreshold)) continue;
                kept.AddRange(boxes.Slice(p * 4, 4));
                keptScores.Add(score);
                keptClasses.Add(c);
            }

        int[] survivors = NonMaxSuppression.KeepPerClass(kept.ToArray(), keptScores.ToArray(), keptClasses.ToArray(),
            options.NmsIouThreshold, maxDetections: options.MaxDetections);
        return survivors.Select(k => new DetectedBox(kept[4 * k], kept[4 * k + 1], kept[4 * k + 2], kept[4 * k + 3],
            keptClasses[k], keptScores[k])).ToArray();
    }

    private static void Check(YoloDecodeOptions options)
    {
        if (options.MaxDetections < 0)
            throw new ArgumentException($"MaxDetections must not be negative; {options.MaxDetections} was given.", nameof(options));
        if (float.IsNaN(options.ScoreThreshold))
            throw new ArgumentException("ScoreThreshold must be a number; NaN was given.", nameof(options));
    }
}
