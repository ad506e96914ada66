using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

[TestClass]
public sealed class CnnBinaryTests
{
    private const int Side = 8;

    public sealed class Image
    {
        [VectorType(Side * Side)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    /// <summary>Stripes of the multiclass tests, top (false) against bottom (true).</summary>
    internal static List<Image> TopOrBottom(int count, int seed) =>
        CnnMulticlassTests.Stripes(count * 3, seed).Where(s => s.Label != "middle").Take(count)
            .Select(s => new Image { Features = s.Features, Label = s.Label == "bottom" }).ToList();

    private static CnnBinaryOptions Options() => new()
    {
        Channels = 1, Height = Side, Width = Side, Epochs = 3, BatchSize = 32, LearningRate = 3e-3f,
        Network = CnnMulticlassTests.SmallCnn().Network,
    };

    private static (MLContext Ml, CnnPredictionTransformer Model, IDataView Test) Train()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.BinaryClassification.Trainers.Cnn(Options()).Fit(ml.Data.LoadFromEnumerable(TopOrBottom(400, 1)));
        return (ml, model, ml.Data.LoadFromEnumerable(TopOrBottom(100, 2)));
    }

    [TestMethod]
    public void TrainsAndEvaluatesWithMLNetsBinaryEvaluator()
    {
        var (ml, model, test) = Train();
        var scored = model.Transform(test);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.IsTrue(metrics.Accuracy > 0.9, $"accuracy {metrics.Accuracy}");
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.95, $"AUC {metrics.AreaUnderRocCurve}");

        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < score.Length; i++)
        {
            Assert.AreEqual(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-6, $"row {i}: Probability = σ(Score)");
            Assert.AreEqual(score[i] > 0, predicted[i], $"row {i}");
        }
        Assert.IsFalse(scored.Schema.Any(c => !c.IsHidden && c.Name == CnnEstimator.RawScoreColumnName), "the internal raw-score column is dropped");
    }

    [TestMethod]
    public void TheScoreIsTheDifferenceOfTheCoreNetworksLogits()
    {
        var (_, model, test) = Train();
        var rows = TopOrBottom(100, 2);
        var score = model.Transform(test).GetColumn<float>("Score").ToArray();
        var logits = CnnMulticlassTests.CoreForward(model, rows.Select(r => r.Features).ToArray());
        for (int i = 0; i < rows.Count; i++)
            Assert.AreEqual(logits[i][1] - logits[i][0], score[i], 1e-4, $"row {i}");
    }

    internal const string FreshProcessModel = "MLNET_CNN_FRESH_PROCESS_BINARY_MODEL";

    /// <summary>
    /// Saves here; <see cref="BinaryModelInAFreshProcess"/> loads in a fresh test host (nothing of ours loaded, nothing
    /// registered) and must give the same scores.
    /// </summary>
    [TestMethod]
    public void SaveThenLoadInAFreshProcessGivesIdenticalScores()
    {
        var (ml, model, test) = Train();
        var directory = Directory.CreateTempSubdirectory("cnn-binary-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.zip");
            ml.Model.Save(model, test.Schema, path);
            var output = FreshProcess.RunTest(typeof(BinaryModelInAFreshProcess), nameof(BinaryModelInAFreshProcess.LoadsWithoutRegistering), FreshProcessModel, path);
            var expected = model.Transform(test).GetColumn<float>("Score").ToArray();
            var actual = File.ReadAllLines(path + ".scores").Select(v => BitConverter.Int32BitsToSingle(int.Parse(v))).ToArray();
            CollectionAssert.AreEqual(expected, actual, output);
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void ALabelOfOneClassIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var rows = TopOrBottom(50, 1).Select(r => new Image { Features = r.Features, Label = true });
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Cnn(Options()).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "single class 'True'");
    }

    [TestMethod]
    public void ANonBooleanLabelIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(20, 1));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Cnn(Options()).Fit(data));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "expected Boolean");
    }
}
