using MLNet.Cnn.Detection;
using static MLNet.Cnn.Tests.Detection.Metrics.MetricCases;

namespace MLNet.Cnn.Tests.Detection.Metrics;

/// <summary>Hand-computed VOC cases (all-point AP unless named), one rule each.</summary>
[TestClass]
public sealed class VocEvaluationTests
{
    private static double MeanAp(params DetectionImage[] images) => VocEvaluation.Evaluate(images, 1).MeanAveragePrecision;

    [TestMethod]
    public void ADuplicateIsAFalsePositiveAndDoesNotFallBackToAnotherObject()
    {
        // the copy of A finds A taken; B (IoU 0.9) is not tried: recall (½, ½), precision (1, ½) → AP ½
        Assert.AreEqual(0.5, MeanAp(Image([Truth(0, 0, 10, 10), Truth(0, 0, 10, 9)],
            Found(0, 0, 10, 10, 0.9f), Found(0, 0, 10, 10, 0.8f))), Tolerance);
    }

    [TestMethod]
    public void AllPointAndElevenPointInterpolation()
    {
        // hit, miss, hit: recall (½, ½, 1), precision (1, ½, ⅔)
        var images = new[] { Image([Truth(0, 0, 10, 10), Truth(100, 100, 110, 110)],
            Found(0, 0, 10, 10, 0.9f), Found(50, 50, 60, 60, 0.8f), Found(100, 100, 110, 110, 0.7f)) };
        // area under the envelope: ½·1 + ½·⅔
        Assert.AreEqual(0.5 + 0.5 * 2 / 3.0, VocEvaluation.Evaluate(images, 1).MeanAveragePrecision, Tolerance);
        // recall ≥ 0, 0.1, …, 0.5 at precision 1 (6 points), ≥ 0.6 … 1 at ⅔ (5 points)
        Assert.AreEqual((6 + 5 * 2 / 3.0) / 11,
            VocEvaluation.Evaluate(images, 1, interpolation: VocInterpolation.ElevenPoints).MeanAveragePrecision, Tolerance);
    }

    [TestMethod]
    public void TiedScoresKeepTheirInputOrder()
    {
        var hit = Found(0, 0, 10, 10, 0.5f);
        var miss = Found(50, 50, 60, 60, 0.5f);
        Assert.AreEqual(0.5, MeanAp(Image([Truth(0, 0, 10, 10)], miss, hit)), Tolerance);
        Assert.AreEqual(1, MeanAp(Image([Truth(0, 0, 10, 10)], hit, miss)), Tolerance);
        Assert.AreEqual(0.5, MeanAp(Image([], miss), Image([Truth(0, 0, 10, 10)], hit)), Tolerance);
    }

    [TestMethod]
    public void EmptyCases()
    {
        // no detections: 0; a detection in an image without objects ranked first: a false positive
        Assert.AreEqual(0, MeanAp(Image([Truth(0, 0, 10, 10)])));
        Assert.AreEqual(0.5, MeanAp(Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 10, 0.9f)),
            Image([], Found(0, 0, 10, 10, 0.95f))), Tolerance);
        // a class without ground truth is −1 and left out of the mean; no ground truth at all: −1
        var m = VocEvaluation.Evaluate([Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 10, 0.9f), Found(0, 0, 10, 10, 0.9f, 1))], 3);
        CollectionAssert.AreEqual(new[] { 1.0, -1, -1 }, m.PerClassAveragePrecision.ToArray());
        Assert.AreEqual(1, m.MeanAveragePrecision);
        Assert.AreEqual(-1, MeanAp(Image([], Found(0, 0, 10, 10, 0.9f))));
    }

    [TestMethod]
    public void TheIoUThresholdIsInclusiveAndAdjustable()
    {
        var exactlyHalf = Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 5, 0.9f));   // IoU 0.5
        var borderTouch = Image([Truth(0, 0, 10, 10)], Found(10, 0, 20, 10, 0.9f)); // IoU 0: shares an edge only
        Assert.AreEqual(1, MeanAp(exactlyHalf));
        Assert.AreEqual(0, VocEvaluation.Evaluate([exactlyHalf], 1, iouThreshold: 0.75).MeanAveragePrecision);
        Assert.AreEqual(0, MeanAp(borderTouch));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => VocEvaluation.Evaluate([exactlyHalf], 1, iouThreshold: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => VocEvaluation.Evaluate([exactlyHalf], 1, interpolation: (VocInterpolation)5));
    }
}
