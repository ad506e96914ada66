using MLNet.Cnn.Detection;
using static MLNet.Cnn.Tests.Detection.Metrics.MetricCases;

namespace MLNet.Cnn.Tests.Detection.Metrics;

/// <summary>
/// Hand-computed COCO cases, one rule each. Precision is read at the 101 recall points 0, 0.01, …, 1; "51 of 101" below
/// means the points 0 … 0.50 see one precision and 0.51 … 1 another.
/// </summary>
[TestClass]
public sealed class CocoEvaluationTests
{
    private static CocoMetrics Evaluate(int classCount, params DetectionImage[] images) => CocoEvaluation.Evaluate(images, classCount);

    [TestMethod]
    public void APerfectDetectionScoresOneEverywhereItsAreaCounts()
    {
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 10, 0.9f)));
        Assert.AreEqual(1, m.AveragePrecision, Tolerance);
        Assert.AreEqual(1, m.AveragePrecision50, Tolerance);
        Assert.AreEqual(1, m.AveragePrecision75, Tolerance);
        Assert.AreEqual(1, m.AveragePrecisionSmall, Tolerance); // area 100 < 32²
        Assert.AreEqual(-1, m.AveragePrecisionMedium);          // no medium object anywhere
        Assert.AreEqual(-1, m.AveragePrecisionLarge);
        Assert.AreEqual(1, m.AverageRecall1, Tolerance);
        Assert.AreEqual(1, m.AverageRecall100, Tolerance);
        CollectionAssert.AreEqual(new[] { 1.0 }, m.PerClassAveragePrecision.ToArray(), new DoubleComparer());
    }

    [TestMethod]
    public void ADetectionCountsAtTheThresholdsItsIoUReaches()
    {
        // IoU 72/100 = 0.72: a hit at 0.50 … 0.70 (5 of the 10 thresholds), a miss from 0.75 on
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10)], Found(0, 0, 8, 9, 0.9f)));
        Assert.AreEqual(0.5, m.AveragePrecision, Tolerance);
        Assert.AreEqual(1, m.AveragePrecision50, Tolerance);
        Assert.AreEqual(0, m.AveragePrecision75, Tolerance);
        Assert.AreEqual(0.5, m.AverageRecall100, Tolerance);
    }

    [TestMethod]
    public void AnIoUExactlyAtTheThresholdIsAHit()
    {
        // IoU exactly 0.5: a hit at 0.50 only
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 5, 0.9f)));
        Assert.AreEqual(1, m.AveragePrecision50, Tolerance);
        Assert.AreEqual(0.1, m.AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void TiedScoresKeepTheirInputOrderWithinAnImageAndAcrossImages()
    {
        var hit = Found(0, 0, 10, 10, 0.5f);
        var miss = Found(50, 50, 60, 60, 0.5f);
        // miss ranked first: recall (0, 1), precision (0, 1/2) → envelope 1/2 at every recall point
        Assert.AreEqual(0.5, Evaluate(1, Image([Truth(0, 0, 10, 10)], miss, hit)).AveragePrecision, Tolerance);
        Assert.AreEqual(1, Evaluate(1, Image([Truth(0, 0, 10, 10)], hit, miss)).AveragePrecision, Tolerance);
        // across images the earlier image's detection ranks first
        Assert.AreEqual(0.5, Evaluate(1, Image([], miss), Image([Truth(0, 0, 10, 10)], hit)).AveragePrecision, Tolerance);
        Assert.AreEqual(1, Evaluate(1, Image([Truth(0, 0, 10, 10)], hit), Image([], miss)).AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void DetectionsInAnImageWithoutGroundTruthAreFalsePositives()
    {
        var m = Evaluate(1,
            Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 10, 0.9f)),
            Image([], Found(0, 0, 10, 10, 0.95f)));
        Assert.AreEqual(0.5, m.AveragePrecision, Tolerance);
        Assert.AreEqual(1, m.AverageRecall100, Tolerance);
    }

    [TestMethod]
    public void NoDetectionsAtAllGiveZero()
    {
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10)]), Image([Truth(5, 5, 50, 50)]));
        Assert.AreEqual(0, m.AveragePrecision);
        Assert.AreEqual(0, m.AverageRecall100);
        Assert.AreEqual(0, m.PerClassAveragePrecision[0]);
    }

    [TestMethod]
    public void AClassWithoutGroundTruthIsMinusOneAndLeftOutOfTheMean()
    {
        // class 1 is only predicted, class 2 appears nowhere
        var m = Evaluate(3, Image([Truth(0, 0, 10, 10)], Found(0, 0, 10, 10, 0.9f), Found(0, 0, 10, 10, 0.95f, classId: 1)));
        CollectionAssert.AreEqual(new[] { 1.0, -1, -1 }, m.PerClassAveragePrecision.ToArray(), new DoubleComparer());
        Assert.AreEqual(1, m.AveragePrecision, Tolerance);
        Assert.AreEqual(-1, Evaluate(2, Image([], Found(0, 0, 10, 10, 0.9f))).AveragePrecision);
    }

    [TestMethod]
    public void ADuplicateIsAFalsePositive()
    {
        // ranked hit A, duplicate of A, hit B: recall (½, ½, 1), precision (1, ½, ⅔) → envelope (1, ⅔, ⅔):
        // 1 at the 51 recall points up to 0.50, ⅔ at the other 50
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10), Truth(100, 100, 110, 110)],
            Found(0, 0, 10, 10, 0.9f), Found(0, 0, 10, 10, 0.8f), Found(100, 100, 110, 110, 0.7f)));
        Assert.AreEqual((51 + 50 * 2.0 / 3) / 101, m.AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void ADuplicateTakesTheNextBestUnmatchedObjectWhenItsIoUSuffices()
    {
        // A = (0,0,10,10), B = (0,0,10,9); the second copy of A finds A taken and B at IoU 0.9:
        // a hit at 0.50 … 0.90, a false positive at 0.95 (recall ½ reached at precision 1: 51 of 101)
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10), Truth(0, 0, 10, 9)],
            Found(0, 0, 10, 10, 0.9f), Found(0, 0, 10, 10, 0.8f)));
        Assert.AreEqual((9 + 51.0 / 101) / 10, m.AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void AnExactIoUTieGoesToTheLaterObject()
    {
        // the first detection overlaps A = (0,0,10,10) and B = (4,0,14,10) equally (IoU 80/120 = ⅔) and takes B, leaving A
        // to the exact second detection. At 0.50 … 0.65 both hit (AP 1); from 0.70 on the first misses:
        // recall (0, ½), precision (0, ½) → ½ at 51 of 101 points
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10), Truth(4, 0, 14, 10)],
            Found(2, 0, 12, 10, 0.9f), Found(0, 0, 10, 10, 0.8f)));
        Assert.AreEqual((4 + 6 * 25.5 / 101) / 10, m.AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void AreaRangesIgnoreObjectsOutsideThemAndTheDetectionsThatMatchThem()
    {
        var m = Evaluate(1, Image(
            [Truth(0, 0, 10, 10), Truth(100, 100, 150, 150), Truth(200, 200, 320, 320)], // areas 100, 2500, 14400
            Found(600, 600, 610, 610, 0.95f),  // small, matches nothing
            Found(0, 0, 10, 10, 0.9f),         // the small object
            Found(100, 100, 150, 150, 0.8f),   // the medium object
            Found(400, 400, 520, 520, 0.7f))); // large, matches nothing
        // all: miss, hit, hit, miss → recall ⅔ at precision ⅔ (envelope), reached at the 67 points 0 … 0.66
        Assert.AreEqual(67 * (2.0 / 3) / 101, m.AveragePrecision, Tolerance);
        // small: the medium detection matched an ignored object, the large miss is outside: miss, hit → ½
        Assert.AreEqual(0.5, m.AveragePrecisionSmall, Tolerance);
        // medium: the small miss is outside, the small hit matched an ignored object, the large miss is outside → 1
        Assert.AreEqual(1, m.AveragePrecisionMedium, Tolerance);
        // large: only the large miss counts
        Assert.AreEqual(0, m.AveragePrecisionLarge, Tolerance);
        Assert.AreEqual(2.0 / 3, m.AverageRecall100, Tolerance);
        Assert.AreEqual(1, m.AverageRecallSmall, Tolerance);
        Assert.AreEqual(0, m.AverageRecallLarge, Tolerance);
    }

    [TestMethod]
    public void ADetectionKeepsACountedObjectOverABetterOverlappingIgnoredOne()
    {
        // S = 30×30 (small), M = 40×40 (medium), the detection 36×36 (medium): IoU with S 900/1296 ≈ 0.69, with M 0.81
        var m = Evaluate(1, Image([Truth(0, 0, 30, 30), Truth(0, 0, 40, 40)], Found(0, 0, 36, 36, 0.9f)));
        // small: S is counted, M ignored; up to 0.65 the detection takes S (M is never tried once S qualifies),
        // from 0.70 on it takes the ignored M or nothing, and is ignored
        Assert.AreEqual(0.4, m.AveragePrecisionSmall, Tolerance);
        // medium: M is counted and taken up to 0.80; from 0.85 on the detection is a false positive
        Assert.AreEqual(0.7, m.AveragePrecisionMedium, Tolerance);
        // all: M taken up to 0.80, S never: recall ½ at precision 1, 51 of 101 points
        Assert.AreEqual(7 * (51.0 / 101) / 10, m.AveragePrecision, Tolerance);
    }

    [TestMethod]
    public void AreaRangeBoundsAreInclusive()
    {
        // 32 × 32 = 1024 is both small and medium
        var m = Evaluate(1, Image([Truth(0, 0, 32, 32)], Found(0, 0, 32, 32, 0.9f)));
        Assert.AreEqual(1, m.AveragePrecisionSmall, Tolerance);
        Assert.AreEqual(1, m.AveragePrecisionMedium, Tolerance);
        Assert.AreEqual(-1, m.AveragePrecisionLarge);
    }

    [TestMethod]
    public void OnlyTheHundredBestDetectionsPerImageAndClassCount()
    {
        GroundTruthBox[] truth = [Truth(0, 0, 10, 10)];
        var hit = Found(0, 0, 10, 10, 0.5f);
        // 99 better misses: the hit is the 100th, recall 1 at precision 1/100
        var kept = Evaluate(1, Image(truth, [.. FarAway(99, 0.9f), hit]));
        Assert.AreEqual(0.01, kept.AveragePrecision, Tolerance);
        Assert.AreEqual(1, kept.AverageRecall100, Tolerance);
        Assert.AreEqual(0, kept.AverageRecall10);
        Assert.AreEqual(0, kept.AverageRecall1);
        // 100 better misses push it out
        var cut = Evaluate(1, Image(truth, [.. FarAway(100, 0.9f), hit]));
        Assert.AreEqual(0, cut.AveragePrecision);
        Assert.AreEqual(0, cut.AverageRecall100);
        // the limit is per class: 100 detections of another class do not push it out
        var other = Evaluate(2, Image(truth, [.. FarAway(100, 0.9f, classId: 1), hit]));
        Assert.AreEqual(1, other.PerClassAveragePrecision[0], Tolerance);
    }

    [TestMethod]
    public void RecallAtOneAndTenCountTheBestDetectionsOfEachImage()
    {
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10), Truth(20, 20, 30, 30)],
            Found(0, 0, 10, 10, 0.9f), Found(20, 20, 30, 30, 0.8f)));
        Assert.AreEqual(0.5, m.AverageRecall1, Tolerance);
        Assert.AreEqual(1, m.AverageRecall10, Tolerance);
    }

    [TestMethod]
    public void BoxesOnTheImageBorderMatchAndBoxesThatOnlyTouchDoNot()
    {
        // an object in the corner of a 64×64 image, found exactly; a detection sharing only its right edge has IoU 0
        var m = Evaluate(1, Image([Truth(0, 0, 10, 10), Truth(54, 54, 64, 64)],
            Found(10, 0, 20, 10, 0.95f), Found(0, 0, 10, 10, 0.9f), Found(54, 54, 64, 64, 0.8f)));
        // miss, hit, hit: recall (0, ½, 1), precision (0, ½, ⅔) → ⅔ everywhere
        Assert.AreEqual(2.0 / 3, m.AveragePrecision, Tolerance);
        Assert.AreEqual(1, m.AverageRecall100, Tolerance);
    }

    [TestMethod]
    public void BadInputIsRefusedWithWhereAndWhat()
    {
        void Refused(string expected, int classCount, params DetectionImage[] images)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => CocoEvaluation.Evaluate(images, classCount));
            StringAssert.Contains(e.Message, expected);
        }
        Refused("class id of image 0, ground-truth box 0 must lie in [0, 1); it is 1", 1, Image([Truth(0, 0, 1, 1, 1)]));
        Refused("image 1, detection 0 must be finite (x0, y0, x1, y1) with x0 ≤ x1", 1, Image([]), Image([], Found(5, 0, 4, 1, 0.5f)));
        Refused("score of image 0, detection 0 must be finite", 1, Image([], Found(0, 0, 1, 1, float.NaN)));
        Refused("Image 0 has no detection list", 1, new DetectionImage([], null!));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CocoEvaluation.Evaluate([], 0));
        Assert.ThrowsExactly<ArgumentNullException>(() => CocoEvaluation.Evaluate(null!, 1));
    }

    private sealed class DoubleComparer : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((double)x! - (double)y!) <= Tolerance ? 0 : 1;
    }
}
