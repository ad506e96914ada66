using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Tests.Detection.Metrics;

/// <summary>
/// COCO and VOC on a generated data set of 24 images (59 objects of 3 classes, 225 detections with tied scores,
/// duplicates, wrong classes, clutter, a fourth class only ever predicted, one image with 130 detections of one object)
/// against the numbers of metrics_reference.py: a plain re-implementation of pycocotools' and the VOC devkit's rules,
/// run with numpy. Both sides generate the data with the same 32-bit LCG; coordinates are halves and scores k/32, so
/// areas and IoUs are bit-identical and only the order of summation may differ.
/// </summary>
[TestClass]
public sealed class RandomizedMetricsTests
{
    private const int ClassCount = 4;
    private const double Tolerance = 1e-12;

    // printed by `/usr/bin/python3 metrics_reference.py`
    private static readonly double[] CocoStats = [0.21154761393508478, 0.4453686573046036, 0.11657947307335775, 0.15269526952695267, 0.2922967614311528, 0.2752620212107269, 0.26982570806100215, 0.40438453159041393, 0.40994008714596947, 0.225, 0.4087301587301588, 0.4266666666666667];
    private static readonly double[] CocoPerClass = [0.09084098564229064, 0.28700201952968407, 0.2567998366332797, -1.0];
    private const double VocAllPoints = 0.44391332548019385;
    private static readonly double[] VocAllPointsPerClass = [0.16517699949698186, 0.6022334067316766, 0.5643295702119232, -1.0];
    private const double VocEleven = 0.4446035722324471;
    private static readonly double[] VocElevenPerClass = [0.1994564791345476, 0.5935828877005349, 0.5407713498622589, -1.0];

    [TestMethod]
    public void CocoAgreesWithThePlainReference()
    {
        var images = Generate();
        Assert.AreEqual(59, images.Sum(i => i.GroundTruth.Count));
        Assert.AreEqual(225, images.Sum(i => i.Detections.Count));
        var m = CocoEvaluation.Evaluate(images, ClassCount);
        double[] stats =
        [
            m.AveragePrecision, m.AveragePrecision50, m.AveragePrecision75,
            m.AveragePrecisionSmall, m.AveragePrecisionMedium, m.AveragePrecisionLarge,
            m.AverageRecall1, m.AverageRecall10, m.AverageRecall100,
            m.AverageRecallSmall, m.AverageRecallMedium, m.AverageRecallLarge,
        ];
        AssertClose(CocoStats, stats);
        AssertClose(CocoPerClass, m.PerClassAveragePrecision);
    }

    [TestMethod]
    public void VocAgreesWithThePlainReference()
    {
        var images = Generate();
        var all = VocEvaluation.Evaluate(images, ClassCount);
        Assert.AreEqual(VocAllPoints, all.MeanAveragePrecision, Tolerance);
        AssertClose(VocAllPointsPerClass, all.PerClassAveragePrecision);
        var eleven = VocEvaluation.Evaluate(images, ClassCount, interpolation: VocInterpolation.ElevenPoints);
        Assert.AreEqual(VocEleven, eleven.MeanAveragePrecision, Tolerance);
        AssertClose(VocElevenPerClass, eleven.PerClassAveragePrecision);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.AreEqual(expected[i], actual[i], Tolerance, $"entry {i}");
    }

    /// <summary>The data set of metrics_reference.py's <c>generate</c>, draw for draw.</summary>
    private static DetectionImage[] Generate(uint seed = 16, int imageCount = 24)
    {
        var rng = new Lcg(seed);
        var images = new DetectionImage[imageCount];
        for (int i = 0; i < imageCount; i++)
        {
            var truth = new List<GroundTruthBox>();
            var found = new List<DetectedBox>();
            for (int n = rng.Next(6); n > 0; n--)
            {
                int w = 4 + rng.Next(140), h = 4 + rng.Next(140);
                float x0 = rng.Next(400) / 2f, y0 = rng.Next(400) / 2f;
                truth.Add(new GroundTruthBox(x0, y0, x0 + w, y0 + h, rng.Next(3)));
            }
            foreach (var g in truth)
            {
                int copies = rng.Next(5) == 0 ? 2 : 1; // one in five objects gets a duplicate detection
                for (int c = 0; c < copies; c++)
                {
                    if (rng.Next(10) >= 8) continue; // missed
                    int jx = Math.Max(1, (int)(g.X1 - g.X0) / 3), jy = Math.Max(1, (int)(g.Y1 - g.Y0) / 3);
                    float ax = g.X0 + (rng.Next(2 * jx + 1) - jx) / 2f, ay = g.Y0 + (rng.Next(2 * jy + 1) - jy) / 2f;
                    float bx = g.X1 + (rng.Next(2 * jx + 1) - jx) / 2f, by = g.Y1 + (rng.Next(2 * jy + 1) - jy) / 2f;
                    int classId = rng.Next(10) != 0 ? g.ClassId : rng.Next(ClassCount);
                    found.Add(new DetectedBox(Math.Min(ax, bx), Math.Min(ay, by), Math.Max(ax, bx), Math.Max(ay, by), classId, rng.Next(32) / 32f));
                }
            }
            for (int n = rng.Next(4); n > 0; n--) // clutter
            {
                float x0 = rng.Next(400) / 2f, y0 = rng.Next(400) / 2f;
                float x1 = x0 + 2 + rng.Next(100), y1 = y0 + 2 + rng.Next(100);
                int classId = rng.Next(ClassCount);
                found.Add(new DetectedBox(x0, y0, x1, y1, classId, rng.Next(32) / 32f));
            }
            if (i == 7) // one crowded image: 130 detections of one object, past COCO's limit of 100
            {
                truth.Add(new GroundTruthBox(10, 10, 110, 110, 0));
                for (int n = 0; n < 130; n++)
                {
                    float x0 = 10 + (rng.Next(41) - 20) / 2f, y0 = 10 + (rng.Next(41) - 20) / 2f;
                    found.Add(new DetectedBox(x0, y0, x0 + 100, y0 + 100, 0, rng.Next(32) / 32f));
                }
            }
            images[i] = new DetectionImage(truth, found);
        }
        return images;
    }

    /// <summary>state ← 1664525·state + 1013904223 (mod 2³²); a draw in [0, n) is (state ≫ 8) mod n.</summary>
    private sealed class Lcg(uint state)
    {
        public int Next(int n)
        {
            state = unchecked(state * 1664525u + 1013904223u);
            return (int)((state >> 8) % (uint)n);
        }
    }
}
