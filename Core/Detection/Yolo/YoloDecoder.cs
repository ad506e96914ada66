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
        if (options.MaxDetections < 0)
            throw new ArgumentException($"MaxDetections must not be negative; {options.MaxDetections} was given.", nameof(options));
        if (float.IsNaN(options.ScoreThreshold))
            throw new ArgumentException("ScoreThreshold must be a number; NaN was given.", nameof(options));
        var grid = head.GridOf(output);
        var result = new IReadOnlyList<DetectedBox>[grid.Batch];
        for (int n = 0; n < grid.Batch; n++)
            result[n] = DecodeImage(head, output.Span, grid, n, options);
        return result;
    }

    private static DetectedBox[] DecodeImage(YoloHead head, ReadOnlySpan<float> output, YoloGrid grid, int n, YoloDecodeOptions options)
    {
        var boxes = new List<float>();
        var scores = new List<float>();
        var classes = new List<int>();
        Span<float> box = stackalloc float[4];
        var probabilities = new float[head.ClassCount];
        for (int a = 0; a < head.AnchorCount; a++)
            for (int i = 0; i < grid.Height; i++)
                for (int j = 0; j < grid.Width; j++)
                {
                    float objectness = YoloHead.Sigmoid(output[head.Index(grid, n, a, YoloHead.Objectness, i, j)]);
                    for (int c = 0; c < head.ClassCount; c++)
                        probabilities[c] = output[head.Index(grid, n, a, YoloHead.FirstClass + c, i, j)];
                    System.Numerics.Tensors.TensorPrimitives.SoftMax(probabilities, probabilities);
                    head.DecodeBox(output, grid, n, a, i, j, box);
                    for (int c = 0; c < head.ClassCount; c++)
                    {
                        float score = objectness * probabilities[c];
                        if (!(score > options.ScoreThreshold)) continue;
                        boxes.AddRange(box);
                        scores.Add(score);
                        classes.Add(c);
                    }
                }

        int[] kept = NonMaxSuppression.KeepPerClass(boxes.ToArray(), scores.ToArray(), classes.ToArray(),
            options.NmsIouThreshold, maxDetections: options.MaxDetections);
        return kept.Select(k => new DetectedBox(boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3],
            classes[k], scores[k])).ToArray();
    }
}
