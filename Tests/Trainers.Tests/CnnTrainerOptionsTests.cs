using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>The options every CNN trainer shares, checked through the multiclass trainer.</summary>
[TestClass]
public sealed class CnnTrainerOptionsTests
{
    private static CnnMulticlassOptions With(Func<CnnMulticlassOptions, CnnMulticlassOptions> change) => change(CnnMulticlassTests.SmallCnn());

    private static (MLContext Ml, IDataView Keyed, ITransformer Keys) Keyed(IEnumerable<CnnMulticlassTests.Image> rows)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        return (ml, keys.Transform(data), keys);
    }

    [TestMethod]
    public void ScoresAreTheSoftmaxOfTheCoreNetworksLogits()
    {
        var (ml, train, keys) = Keyed(CnnMulticlassTests.Stripes(300, 1));
        var model = ml.MulticlassClassification.Trainers.Cnn(CnnMulticlassTests.SmallCnn()).Fit(train);
        AssertScoresAreTheSoftmaxOfTheCoreNetwork(ml, model, keys);
        CollectionAssert.AreEqual(new[] { "top", "middle", "bottom" }.OrderBy(n => CnnMulticlassTests.Stripes(300, 1).FindIndex(r => r.Label == n)).ToArray(),
            model.Model.ClassNames.ToArray(), "class names are the label's key values in key order");
    }

    /// <summary>ML.NET's Score on 50 new images equals the softmax of the trained core network's logits within 1e-5.</summary>
    private static void AssertScoresAreTheSoftmaxOfTheCoreNetwork(MLContext ml, CnnPredictionTransformer model, ITransformer keys)
    {
        var test = CnnMulticlassTests.Stripes(50, 2);
        var scores = model.Transform(keys.Transform(ml.Data.LoadFromEnumerable(test))).GetColumn<float[]>("Score").ToArray();
        var logits = CnnMulticlassTests.CoreForward(model, test.Select(r => r.Features).ToArray());
        for (int i = 0; i < test.Count; i++)
        {
            double max = logits[i].Max(), sum = logits[i].Sum(l => Math.Exp(l - max));
            for (int k = 0; k < 3; k++) Assert.AreEqual(Math.Exp(logits[i][k] - max) / sum, scores[i][k], 1e-5, $"row {i}, class {k}");
        }
    }

    [TestMethod]
    public void PruningWhileTrainingLeavesTheZerosInTheScoringModel()
    {
        var (ml, train, keys) = Keyed(CnnMulticlassTests.Stripes(600, 1));
        var progress = new List<TrainingProgress>();
        var model = ml.MulticlassClassification.Trainers.Cnn(With(o => new CnnMulticlassOptions
        {
            Channels = o.Channels, Height = o.Height, Width = o.Width, Network = o.Network, BatchSize = 32, Epochs = 4, LearningRate = 3e-3f,
            // One-shot after the first epoch (19 batches), then three epochs with the masks; this net's only weight layers
            // are its first and last, so they are not kept dense here.
            Sparsity = batches => SparsitySchedule.OneShot(0.6, step: batches),
            Pruning = new PruningOptions { KeepFirstAndLastDense = false },
            Progress = new CnnMulticlassTests.SynchronousProgress(progress.Add),
        })).Fit(train);

        var report = SparsityReport.Of(model.Model.Network);
        Assert.AreEqual(0.6, report.Sparsity, 1e-3, report.ToString());
        Assert.AreEqual(0.6, progress.Last().Sparsity!.Value, 1e-3, "progress reports the sparsity");
        var accuracy = ml.MulticlassClassification.Evaluate(model.Transform(keys.Transform(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(150, 2)))));
        Assert.IsTrue(accuracy.MicroAccuracy > 0.85, $"accuracy {accuracy.MicroAccuracy}");
        AssertScoresAreTheSoftmaxOfTheCoreNetwork(ml, model, keys); // the exported ONNX graph carries the zeros
    }

    [TestMethod]
    public void AValidationSetIsUsedForEarlyStoppingAndReported()
    {
        var (ml, train, keys) = Keyed(CnnMulticlassTests.Stripes(300, 1));
        var validation = keys.Transform(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(60, 7)));
        var progress = new List<TrainingProgress>();
        var model = ml.MulticlassClassification.Trainers.Cnn(With(o => new CnnMulticlassOptions
        {
            Channels = o.Channels, Height = o.Height, Width = o.Width, Network = o.Network, BatchSize = 32, Epochs = 30,
            ValidationSet = validation, EarlyStoppingPatience = 2, LearningRate = 3e-2f,
            Progress = new CnnMulticlassTests.SynchronousProgress(progress.Add),
        })).Fit(train);
        var ends = progress.Where(p => p.IsEpochEnd).ToArray();
        Assert.IsTrue(ends.All(p => p.ValidationLoss is not null), "every epoch reports the validation loss");
        Assert.AreEqual(ends.Length, model.Training.Epochs.Count);
        Assert.IsTrue(model.Training.StopReason is StopReason.EarlyStopping or StopReason.Completed, model.Training.Message);
        Assert.IsTrue(model.Training.Epochs.All(e => e.ValidationLoss is not null));
    }

    [TestMethod]
    public void AValidationLabelUnseenInTrainingIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var trainRows = CnnMulticlassTests.Stripes(200, 1).Where(r => r.Label != "middle").ToList();
        var allKeys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(200, 1)));
        var trainKeys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(trainRows));
        var validation = allKeys.Transform(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(30, 3)));
        var trainer = ml.MulticlassClassification.Trainers.Cnn(With(o => new CnnMulticlassOptions
            { Channels = o.Channels, Height = o.Height, Width = o.Width, Network = o.Network, Epochs = 1, ValidationSet = validation }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(trainKeys.Transform(ml.Data.LoadFromEnumerable(trainRows))));
        StringAssert.Contains(e.Message, "validation set");
        StringAssert.Contains(e.Message, "'middle'");
        StringAssert.Contains(e.Message, "did not occur in the training data");
    }

    /// <summary>A one-column view with every label, to fit the key mapping on.</summary>
    private static IDataView AllLabels(MLContext ml) =>
        ml.Transforms.SelectColumns("Label").Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(60, 1)))
            .Transform(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(60, 1)));

    [TestMethod]
    public void TrainingDataOfOneClassIsRefused()
    {
        var rows = CnnMulticlassTests.Stripes(60, 1).Where(r => r.Label == "top").ToList();
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyData: AllLabels(ml))
            .Append(ml.MulticlassClassification.Trainers.Cnn(CnnMulticlassTests.SmallCnn()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "single class 'top'");
    }

    [TestMethod]
    public void EmptyTrainingDataIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyData: AllLabels(ml))
            .Append(ml.MulticlassClassification.Trainers.Cnn(CnnMulticlassTests.SmallCnn()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(new List<CnnMulticlassTests.Image>())));
        StringAssert.Contains(e.Message, "has no rows");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameScores()
    {
        float[][] Run()
        {
            var (ml, train, _) = Keyed(CnnMulticlassTests.Stripes(200, 1));
            return ml.MulticlassClassification.Trainers.Cnn(CnnMulticlassTests.SmallCnn()).Fit(train).Transform(train)
                .GetColumn<float[]>("Score").ToArray();
        }
        var first = Run();
        var second = Run();
        for (int i = 0; i < first.Length; i++) CollectionAssert.AreEqual(first[i], second[i], $"row {i}");
    }
}
