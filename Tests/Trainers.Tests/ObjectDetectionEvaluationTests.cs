using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TorchSharp;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// <c>EvaluateCnnObjectDetection</c> on hand-built scored rows, and ML.NET's own <c>EvaluateObjectDetection</c>
/// (Microsoft.ML.TorchSharp 0.24.0) on the same rows.
/// </summary>
[TestClass]
public sealed class ObjectDetectionEvaluationTests
{
    private static readonly string[] Classes = ["cat", "dog"];

    public sealed class Row
    {
        public string[] Label { get; set; } = [];
        public float[] BoundingBoxes { get; set; } = [];
        public string[] PredictedLabel { get; set; } = [];
        public float[] PredictedBoundingBoxes { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    /// <summary>The rows with both label columns made keys of one key type (the class names in order), as a trainer's output has them.</summary>
    private static IDataView Scored(MLContext ml, IEnumerable<Row> rows)
    {
        var terms = ml.Data.LoadFromEnumerable(Classes.Select(c => new { Term = c }));
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey([new InputOutputColumnPair("Label"), new InputOutputColumnPair("PredictedLabel")], keyData: terms)
            .Fit(data).Transform(data);
    }

    /// <summary>Two images: a cat and a dog; two dogs.</summary>
    private static Row[] Truth() =>
    [
        new() { Label = ["cat", "dog"], BoundingBoxes = [10, 10, 30, 40, 50, 5, 90, 45] },
        new() { Label = ["dog", "dog"], BoundingBoxes = [0, 0, 20, 20, 30, 30, 60, 64] },
    ];

    private static Row[] Perfect() => Truth().Select((r, i) => new Row
    {
        Label = r.Label, BoundingBoxes = r.BoundingBoxes, PredictedLabel = r.Label, PredictedBoundingBoxes = r.BoundingBoxes,
        Score = r.Label.Select((_, k) => 0.9f - 0.1f * k - 0.05f * i).ToArray(),
    }).ToArray();

    /// <summary>Everything found, plus a false dog (score 0.8) in image 1 between the true ones.</summary>
    private static Row[] Imperfect()
    {
        var rows = Truth();
        rows[0].PredictedLabel = ["cat", "dog", "dog"];
        rows[0].PredictedBoundingBoxes = [10, 10, 30, 40, 50, 5, 90, 45, 0, 60, 10, 70];
        rows[0].Score = [0.95f, 0.9f, 0.8f];
        rows[1].PredictedLabel = ["dog", "dog"];
        rows[1].PredictedBoundingBoxes = [0, 0, 20, 20, 30, 30, 60, 64];
        rows[1].Score = [0.7f, 0.6f];
        return rows;
    }

    [TestMethod]
    public void PerfectDetectionsScoreOne()
    {
        var ml = new MLContext(seed: 1);
        var metrics = ml.MulticlassClassification.EvaluateCnnObjectDetection(Scored(ml, Perfect()));
        Assert.AreEqual(1, metrics.Coco.AveragePrecision, 1e-12);
        Assert.AreEqual(1, metrics.Coco.AveragePrecision50, 1e-12);
        Assert.AreEqual(1, metrics.Voc.MeanAveragePrecision, 1e-12);
        CollectionAssert.AreEqual(Classes, metrics.ClassNames.ToArray());
    }

    [TestMethod]
    public void AFalseDetectionRanksBelowATrueOne()
    {
        var ml = new MLContext(seed: 1);
        var metrics = ml.MulticlassClassification.EvaluateCnnObjectDetection(Scored(ml, Imperfect()));
        // dogs (3 objects) ranked TP (0.9), FP (0.8), TP (0.7), TP (0.6): precision 1, 1/2, 2/3, 3/4 at recall ⅓, ⅓, ⅔, 1;
        // the envelope is 1 up to ⅓ and ¾ from there to 1: all-point AP = ⅓·1 + ⅔·¾ = 5/6; the cat's AP is 1.
        Assert.AreEqual(1, metrics.Voc.PerClassAveragePrecision[0], 1e-12);
        Assert.AreEqual(5.0 / 6, metrics.Voc.PerClassAveragePrecision[1], 1e-12);
        Assert.AreEqual((1 + 5.0 / 6) / 2, metrics.Voc.MeanAveragePrecision, 1e-12);
        // COCO's 101 recall points: 1 at r = 0 … 0.33 (34 points), ¾ at 0.34 … 1 (67 points), at every IoU threshold (exact boxes)
        Assert.AreEqual((34 + 67 * 0.75) / 101, metrics.Coco.PerClassAveragePrecision[1], 1e-12);
    }

    [TestMethod]
    public void ColumnsOfTheWrongKindAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var scored = Scored(ml, Perfect());
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.EvaluateCnnObjectDetection(scored, labelColumnName: "Score"));
        StringAssert.Contains(e.Message, "'Score'");
        StringAssert.Contains(e.Message, "vector of keys");
        var rows = Perfect();
        rows[1].Score = [0.5f];
        var mismatch = Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.EvaluateCnnObjectDetection(Scored(ml, rows)));
        StringAssert.Contains(mismatch.Message, "Row 1");
        StringAssert.Contains(mismatch.Message, "one score per detection");
    }

    /// <summary>
    /// ML.NET's <c>EvaluateObjectDetection</c> (Microsoft.ML.TorchSharp 0.24.0, <c>ObjectDetectionMetrics</c>) is plain C#
    /// and runs without libtorch (no libtorch package is referenced; TorchSharp's native library is never loaded). It reads
    /// the labels as vectors of text (MapKeyToValue first), drops detections scoring below 0.05, matches greedily by IoU per
    /// image (not by score, as VOC and COCO do), widths with VOC's "+1", and averages a step precision–recall AP over the
    /// classes present; its mAP50:95 loops over float thresholds 0.5, 0.55, … and divides by 10. On these rows, where no two
    /// matching rules disagree, its figures equal VOC's AP at 0.5 and the mean of VOC's APs at 0.50 … 0.95.
    /// </summary>
    [TestMethod]
    public void MLNetsEvaluatorRunsWithoutLibtorchAndAgreesWhereTheRulesCoincide()
    {
        var ml = new MLContext(seed: 1);
        foreach (var (rows, what) in new[] { (Perfect(), "perfect"), (Imperfect(), "imperfect") })
        {
            var scored = Scored(ml, rows);
            var ours = ml.MulticlassClassification.EvaluateCnnObjectDetection(scored);
            var text = ml.Transforms.Conversion.MapKeyToValue([new InputOutputColumnPair("LabelText", "Label"), new InputOutputColumnPair("PredictedText", "PredictedLabel")])
                .Fit(scored).Transform(scored);
            var theirs = ml.MulticlassClassification.EvaluateObjectDetection(text, text.Schema["LabelText"], text.Schema["BoundingBoxes"],
                text.Schema["PredictedText"], text.Schema["PredictedBoundingBoxes"], text.Schema["Score"]);
            Assert.AreEqual(ours.Voc.MeanAveragePrecision, theirs.MAP50, 1e-6, what);
            Assert.AreEqual(ours.Voc.MeanAveragePrecision, theirs.MAP50_95, 1e-6, $"{what}: every match is exact, so every threshold gives the AP at 0.5");
        }
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp" && IsNativeLoaded()), "libtorch was not needed");
    }

    /// <summary>Whether TorchSharp's native library got loaded into the process.</summary>
    private static bool IsNativeLoaded() =>
        File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.OrdinalIgnoreCase);
}
