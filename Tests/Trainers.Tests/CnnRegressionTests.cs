using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

[TestClass]
public sealed class CnnRegressionTests
{
    private const int Side = 8;

    public sealed class RowImage
    {
        [VectorType(Side * Side)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public sealed class DotImage
    {
        [VectorType(Side * Side)] public float[] Features { get; set; } = [];
        [VectorType(2)] public float[] Label { get; set; } = [];
    }

    /// <summary>The stripes of the multiclass tests; the target is the stripe's row (0 … 7).</summary>
    private static List<RowImage> StripeRows(int count, int seed) => CnnMulticlassTests.Stripes(count, seed)
        .Select(s => new RowImage { Features = s.Features, Label = Enumerable.Range(0, Side).MaxBy(r => s.Features.Skip(r * Side).Take(Side).Sum()) }).ToList();

    /// <summary>One bright pixel on noise; the targets are its (row, column) divided by 8.</summary>
    private static List<DotImage> Dots(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var pixels = Enumerable.Range(0, Side * Side).Select(_ => (float)random.NextDouble() * 0.2f).ToArray();
            int row = random.Next(Side), column = random.Next(Side);
            pixels[row * Side + column] = 1.5f;
            return new DotImage { Features = pixels, Label = [row / (float)Side, column / (float)Side] };
        }).ToList();
    }

    private static CnnRegressionOptions Options(int epochs = 8) => new()
    {
        Channels = 1, Height = Side, Width = Side, Epochs = epochs, BatchSize = 32, LearningRate = 3e-3f,
        Network = CnnMulticlassTests.SmallCnn().Network,
    };

    [TestMethod]
    public void AFloatLabelGivesAScalarScoreThatMLNetsEvaluatorReads()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Regression.Trainers.Cnn(Options()).Fit(ml.Data.LoadFromEnumerable(StripeRows(600, 1)));
        var rows = StripeRows(150, 2);
        var test = ml.Data.LoadFromEnumerable(rows);
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Assert.IsTrue(metrics.RSquared > 0.9, $"R² {metrics.RSquared}, RMSE {metrics.RootMeanSquaredError}");

        var score = model.Transform(test).GetColumn<float>("Score").ToArray();
        var core = CnnMulticlassTests.CoreForward(model, rows.Select(r => r.Features).ToArray());
        for (int i = 0; i < rows.Count; i++) Assert.AreEqual(core[i][0], score[i], 1e-4, $"row {i}");

        var path = Path.Combine(Path.GetTempPath(), $"cnn-regression-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, test.Schema, path);
            CollectionAssert.AreEqual(score, new MLContext().Model.Load(path, out _).Transform(test).GetColumn<float>("Score").ToArray());
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void AVectorLabelGivesAVectorScoreOfTheCoreNetworksOutputs()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Regression.Trainers.Cnn(Options(epochs: 10)).Fit(ml.Data.LoadFromEnumerable(Dots(1500, 1)));
        var rows = Dots(100, 2);
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToArray();
        var core = CnnMulticlassTests.CoreForward(model, rows.Select(r => r.Features).ToArray());
        double squared = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(2, scores[i].Length);
            for (int t = 0; t < 2; t++)
            {
                Assert.AreEqual(core[i][t], scores[i][t], 1e-4, $"row {i}, target {t}");
                squared += Math.Pow(scores[i][t] - rows[i].Label[t], 2);
            }
        }
        double rmse = Math.Sqrt(squared / (2 * rows.Count));
        Assert.IsTrue(rmse < 0.1, $"RMSE {rmse} (a pixel is 0.125)");
        Assert.AreEqual(10, model.Training.Epochs.Count);
        Assert.IsTrue(model.Training.Epochs.All(e => e.Accuracy is null && e.MeanAbsoluteError is not null), "regression reports MAE, not accuracy");
    }

    /// <summary>
    /// Keypoint labels (x, y of the dot's pixel center) with horizontal flips in training: with AugmentTargets.Keypoints
    /// the labels flip with the pixels and x is learned; left alone, a flipped image keeps its old x and x is not.
    /// </summary>
    [TestMethod]
    public void KeypointLabelsMoveWithTheAugmentation()
    {
        double ColumnError(AugmentTargets targets)
        {
            var ml = new MLContext(seed: 1);
            var rows = Dots(1500, 1).Select(d => new DotImage { Features = d.Features, Label = [d.Label[1] * Side + 0.5f, d.Label[0] * Side + 0.5f] }).ToList();
            var options = new CnnRegressionOptions
            {
                Channels = 1, Height = Side, Width = Side, Epochs = 10, BatchSize = 32, LearningRate = 3e-3f, Network = CnnMulticlassTests.SmallCnn().Network,
                Augmentation = new MLNet.Cnn.Augment.HorizontalFlip(), AugmentTargets = targets,
            };
            var model = ml.Regression.Trainers.Cnn(options).Fit(ml.Data.LoadFromEnumerable(rows));
            var test = Dots(200, 2).Select(d => new DotImage { Features = d.Features, Label = [d.Label[1] * Side + 0.5f, d.Label[0] * Side + 0.5f] }).ToList();
            var scores = model.Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<float[]>("Score").ToArray();
            return test.Select((t, i) => Math.Abs(scores[i][0] - t.Label[0])).Average();
        }
        double moved = ColumnError(AugmentTargets.Keypoints), left = ColumnError(AugmentTargets.None);
        Assert.IsTrue(moved < 0.6, $"mean |x error| with keypoints moved: {moved:F2} px");
        Assert.IsTrue(left > 1.2, $"mean |x error| with labels left alone: {left:F2} px (expected: x is not learnable)");
    }

    [TestMethod]
    public void ANaNTargetNamesTheRowAndTheColumn()
    {
        var rows = StripeRows(20, 1);
        rows[6].Label = float.NaN;
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Regression.Trainers.Cnn(Options(1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 6");
        StringAssert.Contains(e.Message, "'Label'");
    }

    [TestMethod]
    public void ATextLabelIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.Cnn(Options(1)).Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(20, 1))));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "expected a float");
    }
}
