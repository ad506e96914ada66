namespace MLNet.Cnn.Detection;

/// <summary>
/// The intersection over union that the metrics match with, in double precision, areas without "+1": boxes that only
/// touch (zero-width or zero-height overlap) have IoU 0, as in pycocotools' box IoU.
/// </summary>
internal static class MatchingIoU
{
    public static double Of(in DetectedBox d, in GroundTruthBox g)
    {
        double width = Math.Min((double)d.X1, g.X1) - Math.Max((double)d.X0, g.X0);
        double height = Math.Min((double)d.Y1, g.Y1) - Math.Max((double)d.Y0, g.Y0);
        if (width <= 0 || height <= 0) return 0;
        double intersection = width * height;
        return intersection / (d.Area + g.Area - intersection);
    }
}
