namespace MLNet.Cnn.Detection;

/// <summary>
/// The intersection over union that the metrics match with: <see cref="BoxIou"/>'s, in double precision, areas without
/// "+1"; boxes that only touch (zero-width or zero-height overlap) have IoU 0, as in pycocotools' box IoU.
/// </summary>
internal static class MatchingIoU
{
    public static double Of(in DetectedBox d, in GroundTruthBox g) =>
        BoxIou.Pair<double>([d.X0, d.Y0, d.X1, d.Y1], [g.X0, g.Y0, g.X1, g.Y1]).Iou;
}
