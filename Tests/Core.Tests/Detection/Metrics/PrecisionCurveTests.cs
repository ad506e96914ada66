using MLNet.Cnn.Detection;
using static MLNet.Cnn.Tests.Detection.Metrics.MetricCases;

namespace MLNet.Cnn.Tests.Detection.Metrics;

[TestClass]
public sealed class PrecisionCurveTests
{
    [TestMethod]
    public void TheCurveIsTheEnvelopeAtTheRecallPointsAndAveragesToAP50()
    {
        // two objects; ranked: hit (0.9), miss (0.8), hit (0.7) → recall 0.5, 0.5, 1; precision 1, 0.5, 2/3; envelope 1, 2/3, 2/3
        DetectionImage[] images =
        [
            Image([Truth(0, 0, 10, 10), Truth(20, 20, 30, 30)], Found(0, 0, 10, 10, 0.9f), Found(50, 50, 60, 60, 0.8f), Found(20, 20, 30, 30, 0.7f)),
        ];
        var curve = CocoEvaluation.PrecisionCurve(images, classCount: 2, classId: 0)!;
        Assert.AreEqual(101, curve.Count);
        Assert.AreEqual(101, CocoEvaluation.RecallLevels.Count);
        for (int r = 0; r <= 50; r++) Assert.AreEqual(1.0, curve[r], Tolerance, $"recall {CocoEvaluation.RecallLevels[r]}");
        for (int r = 51; r <= 100; r++) Assert.AreEqual(2.0 / 3, curve[r], Tolerance, $"recall {CocoEvaluation.RecallLevels[r]}");
        Assert.AreEqual(CocoEvaluation.Evaluate(images, 2).AveragePrecision50, curve.Average(), Tolerance);
        Assert.IsNull(CocoEvaluation.PrecisionCurve(images, 2, classId: 1), "class 1 has no ground truth");
    }

    [TestMethod]
    public void APrecisionPastTheLastRecallIsZeroAndOtherThresholdsAreRead()
    {
        // one object of two found, IoU 72/100: a hit up to 0.70, a miss from 0.75 on
        DetectionImage[] images = [Image([Truth(0, 0, 10, 10), Truth(20, 20, 30, 30)], Found(0, 0, 8, 9, 0.9f))];
        var at50 = CocoEvaluation.PrecisionCurve(images, 1, 0)!;
        Assert.IsTrue(at50.Take(51).All(p => Math.Abs(p - 1) < Tolerance) && at50.Skip(51).All(p => p == 0));   // 1 / (1 + 2⁻⁵²) before
        Assert.IsTrue(CocoEvaluation.PrecisionCurve(images, 1, 0, iouThreshold: 0.75)!.All(p => p == 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CocoEvaluation.PrecisionCurve(images, 1, 0, iouThreshold: 0.6001));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CocoEvaluation.PrecisionCurve(images, 1, classId: 1));
    }
}
