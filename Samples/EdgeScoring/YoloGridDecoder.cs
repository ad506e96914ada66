using System.Numerics.Tensors;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>A detected object: its box (x0, y0, x1, y1) in the model input's pixels, its class and its score.</summary>
internal readonly record struct FoundObject(float X0, float Y0, float X1, float Y1, int ClassId, float Score);

/// <summary>
/// Decodes one image's YOLO grid [A·(5 + K), H, W] as the core's YoloDecoder does (this app cannot reference the core;
/// Tests/Samples.Tests compares the two). Channels of anchor a: a·(5 + K) + (tx, ty, tw, th, objectness, K class logits).
/// At cell (row i, column j) the box has centre ((j + σ(tx))·s, (i + σ(ty))·s) and size (a_w·e^tw, a_h·e^th), tw and th
/// clamped from above at ln(1000/16); each class scores σ(objectness)·softmax(class logits)_c. The (box, class) pairs
/// scoring above the threshold go through per-class NMS, at most <c>maxObjects</c> kept, by descending score.
/// </summary>
internal static class YoloGridDecoder
{
    private const int Tx = 0, Ty = 1, Tw = 2, Th = 3, Objectness = 4, FirstClass = 5;
    private static readonly float MaxLogScale = (float)Math.Log(1000.0 / 16);

    public static FoundObject[] Decode(ReadOnlySpan<float> grid, YoloGridHead head, int classes, int rows, int columns,
        float minScore, float nmsIou = 0.5f, int maxObjects = 100)
    {
        int fields = FirstClass + classes, plane = rows * columns;
        if (grid.Length != head.AnchorCount * fields * plane)
            throw new ArgumentException($"Expected {head.AnchorCount}·(5 + {classes})·{rows}·{columns} values; got {grid.Length}.", nameof(grid));
        var candidates = new List<FoundObject>();
        var probabilities = new float[classes];
        for (int a = 0; a < head.AnchorCount; a++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    int cell = a * fields * plane + i * columns + j;   // field f of this anchor at this cell: grid[cell + f·plane]
                    float objectness = Sigmoid(grid[cell + Objectness * plane]);
                    for (int c = 0; c < classes; c++) probabilities[c] = grid[cell + (FirstClass + c) * plane];
                    TensorPrimitives.SoftMax(probabilities, probabilities);
                    float centerX = (j + Sigmoid(grid[cell + Tx * plane])) * head.Stride, centerY = (i + Sigmoid(grid[cell + Ty * plane])) * head.Stride;
                    float halfWidth = 0.5f * head.AnchorSizes[2 * a] * MathF.Exp(MathF.Min(grid[cell + Tw * plane], MaxLogScale));
                    float halfHeight = 0.5f * head.AnchorSizes[2 * a + 1] * MathF.Exp(MathF.Min(grid[cell + Th * plane], MaxLogScale));
                    for (int c = 0; c < classes; c++)
                    {
                        float score = objectness * probabilities[c];
                        if (score > minScore)
                            candidates.Add(new FoundObject(centerX - halfWidth, centerY - halfHeight, centerX + halfWidth, centerY + halfHeight, c, score));
                    }
                }
        return PerClassNms.Keep(candidates, nmsIou, maxObjects).Select(k => candidates[k]).ToArray();
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

/// <summary>
/// Greedy per-class non-max suppression (torchvision's batched_nms): boxes visited by descending score, equal scores in
/// index order; a box is kept unless a kept box of its class overlaps it with IoU strictly above the threshold.
/// </summary>
internal static class PerClassNms
{
    /// <summary>The indices of the kept boxes, by descending score, at most <paramref name="maxKept"/>.</summary>
    public static int[] Keep(IReadOnlyList<FoundObject> boxes, float iouThreshold, int maxKept = int.MaxValue)
    {
        var kept = new List<int>();
        foreach (int candidate in Enumerable.Range(0, boxes.Count).OrderByDescending(i => boxes[i].Score))   // a stable sort
        {
            if (kept.Count == maxKept) break;
            if (kept.All(k => boxes[k].ClassId != boxes[candidate].ClassId || Iou(boxes[k], boxes[candidate]) <= iouThreshold))
                kept.Add(candidate);
        }
        return kept.ToArray();
    }

    /// <summary>|A ∩ B| / |A ∪ B| in float, no "+1" in areas; 0 when the union is empty.</summary>
    public static float Iou(FoundObject a, FoundObject b)
    {
        float areaA = (a.X1 - a.X0) * (a.Y1 - a.Y0), areaB = (b.X1 - b.X0) * (b.Y1 - b.Y0);
        float intersection = MathF.Max(0, MathF.Min(a.X1, b.X1) - MathF.Max(a.X0, b.X0)) * MathF.Max(0, MathF.Min(a.Y1, b.Y1) - MathF.Max(a.Y0, b.Y0));
        float union = areaA + areaB - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
