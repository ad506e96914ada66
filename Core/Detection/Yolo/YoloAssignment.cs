using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// YOLOv2/v3 target assignment on one grid. A ground-truth box goes to the cell containing its centre — cells are
/// half-open, [j·s, (j + 1)·s), so a centre on a cell border belongs to the cell to its right (below), and a centre on the
/// image's far edge to the last cell — and there to the anchor with the best shape IoU (box and anchor aligned at the same
/// centre: min(w, a_w)·min(h, a_h) / (w·h + a_w·a_h − min(w, a_w)·min(h, a_h)), ties to the lower anchor index), and
/// optionally to other anchors above <see cref="YoloAssignmentOptions.ExtraAnchorIouThreshold"/>.
/// <para>Two boxes wanting the same (cell, anchor): the one with the higher shape IoU with that anchor keeps it, on a tie
/// the earlier box in the image's list; the other loses that slot (YOLOv3 overwrites in the same way) but still counts
/// for the ignore mask. Then every position without a box whose decoded prediction overlaps some ground-truth box of its
/// image with IoU above <see cref="YoloAssignmentOptions.IgnoreIouThreshold"/> is ignored by the objectness loss.</para>
/// </summary>
public static class YoloAssignment
{
    /// <summary>The targets of the prediction <paramref name="output"/> [N, A·(5 + K), H, W] on <paramref name="grid"/>.</summary>
    /// <param name="groundTruth">Per image (N lists), its boxes in pixels with class ids in [0, K); lists may be empty.</param>
    public static YoloTargets Assign<T>(YoloHead head, ReadOnlySpan<T> output, YoloGrid grid,
        IReadOnlyList<IReadOnlyList<GroundTruthBox>> groundTruth, YoloAssignmentOptions? options = null)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(head);
        head.CheckLength(grid, output.Length, nameof(output));
        Check(head, grid, groundTruth);
        options ??= new YoloAssignmentOptions();
        if (float.IsNaN(options.IgnoreIouThreshold) || options.ExtraAnchorIouThreshold is float.NaN)
            throw new ArgumentException("The assignment's IoU thresholds must be numbers; NaN was given.", nameof(options));

        var targets = new YoloTargets(grid, head.AnchorCount);
        var bestShapeIou = new double[targets.AssignedBox.Length];
        for (int n = 0; n < grid.Batch; n++)
        {
            var boxes = groundTruth[n];
            for (int b = 0; b < boxes.Count; b++)
            {
                var box = boxes[b];
                int i = Cell((box.Y0 + (double)box.Y1) / 2, head.Stride, grid.Height);
                int j = Cell((box.X0 + (double)box.X1) / 2, head.Stride, grid.Width);
                int best = 0;
                for (int a = 1; a < head.AnchorCount; a++)
                    if (ShapeIou(head, a, box) > ShapeIou(head, best, box)) best = a;
                for (int a = 0; a < head.AnchorCount; a++)
                {
                    double iou = ShapeIou(head, a, box);
                    if (a != best && !(options.ExtraAnchorIouThreshold is { } extra && iou > extra)) continue;
                    int p = targets.Position(n, a, i, j);
                    if (targets.AssignedBox[p] >= 0 && iou <= bestShapeIou[p]) continue;
                    bestShapeIou[p] = iou;
                    targets.AssignedBox[p] = b;
                    targets.ClassIds[p] = box.ClassId;
                    targets.Boxes[4 * p] = box.X0;
                    targets.Boxes[4 * p + 1] = box.Y0;
                    targets.Boxes[4 * p + 2] = box.X1;
                    targets.Boxes[4 * p + 3] = box.Y1;
                }
            }
        }
        MarkIgnored(head, output, grid, groundTruth, options.IgnoreIouThreshold, targets);
        return targets;
    }

    // The cell index of a coordinate: ⌊v / s⌋, clamped to [0, count − 1].
    private static int Cell(double coordinate, float stride, int count) =>
        Math.Clamp((int)Math.Floor(coordinate / stride), 0, count - 1);

    private static double ShapeIou(YoloHead head, int anchor, GroundTruthBox box)
    {
        double w = box.X1 - (double)box.X0, h = box.Y1 - (double)box.Y0;
        double aw = head.AnchorWidth(anchor), ah = head.AnchorHeight(anchor);
        double intersection = Math.Min(w, aw) * Math.Min(h, ah);
        return intersection / (w * h + aw * ah - intersection);
    }

    private static void MarkIgnored<T>(YoloHead head, ReadOnlySpan<T> output, YoloGrid grid,
        IReadOnlyList<IReadOnlyList<GroundTruthBox>> groundTruth, float threshold, YoloTargets targets)
        where T : IFloatingPointIeee754<T>
    {
        var predicted = new T[4]; var truth = new T[4];
        for (int n = 0; n < grid.Batch; n++)
            for (int a = 0; a < head.AnchorCount; a++)
                for (int i = 0; i < grid.Height; i++)
                    for (int j = 0; j < grid.Width; j++)
                    {
                        int p = targets.Position(n, a, i, j);
                        if (targets.AssignedBox[p] >= 0) continue;
                        head.DecodeBox(output, grid, n, a, i, j, predicted);
                        foreach (var box in groundTruth[n])
                        {
                            truth[0] = T.CreateChecked(box.X0);
                            truth[1] = T.CreateChecked(box.Y0);
                            truth[2] = T.CreateChecked(box.X1);
                            truth[3] = T.CreateChecked(box.Y1);
                            if (double.CreateChecked(BoxIou.Pair<T>(predicted, truth).Iou) > threshold)
                            {
                                targets.Ignore[p] = true;
                                break;
                            }
                        }
                    }
    }

    private static void Check(YoloHead head, YoloGrid grid, IReadOnlyList<IReadOnlyList<GroundTruthBox>> groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (groundTruth.Count != grid.Batch)
            throw new ArgumentException(
                $"groundTruth holds {groundTruth.Count} images; expected one list per image of the batch, {grid.Batch}.",
                nameof(groundTruth));
        for (int n = 0; n < groundTruth.Count; n++)
        {
            ArgumentNullException.ThrowIfNull(groundTruth[n], $"{nameof(groundTruth)}[{n}]");
            for (int b = 0; b < groundTruth[n].Count; b++)
            {
                var box = groundTruth[n][b];
                BoxCheck.Corners<float>([box.X0, box.Y0, box.X1, box.Y1], nameof(groundTruth), $"image {n} box {b}");
                if (box.X1 <= box.X0 || box.Y1 <= box.Y0)
                    throw new ArgumentException($"groundTruth: image {n} box {b} {box} has no area; YOLO targets need a width and a height.",
                        nameof(groundTruth));
                if (box.ClassId < 0 || box.ClassId >= head.ClassCount)
                    throw new ArgumentException(
                        $"groundTruth: image {n} box {b} has class {box.ClassId}; expected [0, {head.ClassCount}).", nameof(groundTruth));
            }
        }
    }
}
