using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Tests.Detection.Metrics;

/// <summary>Short constructors for the hand-written cases: boxes are (x0, y0, x1, y1), class 0 unless given.</summary>
internal static class MetricCases
{
    public const double Tolerance = 1e-12;

    public static GroundTruthBox Truth(float x0, float y0, float x1, float y1, int classId = 0) => new(x0, y0, x1, y1, classId);

    public static DetectedBox Found(float x0, float y0, float x1, float y1, float score, int classId = 0) =>
        new(x0, y0, x1, y1, classId, score);

    public static DetectionImage Image(GroundTruthBox[] truth, params DetectedBox[] detections) => new(truth, detections);

    /// <summary>n boxes of 10×10 far from everything else (false positives), all with one score.</summary>
    public static IEnumerable<DetectedBox> FarAway(int n, float score, int classId = 0) =>
        Enumerable.Range(0, n).Select(i => Found(1000 + 20 * i, 1000, 1010 + 20 * i, 1010, score, classId));
}
