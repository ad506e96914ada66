using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Augmentation in ML.NET pipelines: in training only, reproducible, and saved models score without it.</summary>
[TestClass]
public sealed class AugmentationPipelineTests
{
    private static IAugmentation Policy() => new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(8, 8, padding: 1));

    private static (MLContext Ml, ITransformer Model, List<string> Log) Train(bool marker, IAugmentation? option)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var small = CnnMulticlassTests.SmallCnn();
        var trainer = ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            Channels = 1, Height = 8, Width = 8, Epochs = 3, BatchSize = 32, LearningRate = 3e-3f, Network = small.Network, Augmentation = option,
            // Set, so that both pipelines train with it whatever else draws from the MLContext's generator before the trainer.
            Seed = 1,
        });
        IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
        if (marker) pipeline = ml.Transforms.Augment(Policy()).Append(pipeline);
        return (ml, pipeline.Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(400, 1))), log);
    }

    private static float[][] Scores(MLContext ml, ITransformer model) =>
        model.Transform(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(60, 2))).GetColumn<float[]>("Score").ToArray();

    [TestMethod]
    public void AnAugmentStepChangesTrainingReproduciblyAndScoringNot()
    {
        var (ml, augmented, log) = Train(marker: true, option: null);
        StringAssert.Contains(string.Join("\n", log), "Augmenting training images with HorizontalFlip → RandomCrop");
        var (_, again, _) = Train(marker: true, option: null);
        var (_, plain, _) = Train(marker: false, option: null);
        var scores = Scores(ml, augmented);
        var repeat = Scores(ml, again);
        for (int i = 0; i < scores.Length; i++) CollectionAssert.AreEqual(scores[i], repeat[i], $"row {i}: same seed, same model");
        Assert.IsTrue(scores.Zip(Scores(ml, plain)).Any(p => !p.First.SequenceEqual(p.Second)), "augmentation changed the training");

        // Scoring: the network's own output on the untouched images (the augmentation step only adds a marker column).
        var cnn = CnnPredictionTransformer.Find(augmented)!;
        var images = CnnMulticlassTests.Stripes(60, 2).Select(r => r.Features).ToArray();
        var logits = CnnMulticlassTests.CoreForward(cnn, images);
        for (int i = 0; i < images.Length; i++)
        {
            double max = logits[i].Max(), sum = logits[i].Sum(l => Math.Exp(l - max));
            for (int k = 0; k < 3; k++) Assert.AreEqual(Math.Exp(logits[i][k] - max) / sum, scores[i][k], 1e-5);
        }
    }

    [TestMethod]
    public void AFittedStepHoldsItsPolicyOnlyThroughItsOwnObjects()
    {
        // No process-wide registry: once the fitted step and its data are gone, so is the policy.
        var policy = FitAStepAndDropIt();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.IsFalse(policy.IsAlive, "the policy of a fitted augmentation step outlived the step and its data");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference FitAStepAndDropIt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(10, 1));
        var policy = Policy();
        var marked = ml.Transforms.Augment(policy).Fit(data).Transform(data);
        Assert.AreSame(policy, AugmentationAnnotation.Find(marked.Schema).Single(), "the marked data carries the policy");
        return new WeakReference(policy);
    }

    [TestMethod]
    public void APredictionEngineScoresThroughTheStep()
    {
        var (ml, model, _) = Train(marker: true, option: null);
        var engine = ml.Model.CreatePredictionEngine<CnnMulticlassTests.Image, Scored>(model);
        var rows = CnnMulticlassTests.Stripes(20, 2);
        var scores = Scores(ml, model);
        for (int i = 0; i < rows.Count; i++) CollectionAssert.AreEqual(scores[i], engine.Predict(rows[i]).Score, $"row {i}");
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void TheOptionAndTheStepGiveTheSameTraining()
    {
        var (ml, byStep, _) = Train(marker: true, option: null);
        var (_, byOption, _) = Train(marker: false, option: Policy());
        var a = Scores(ml, byStep);
        var b = Scores(ml, byOption);
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(a[i], b[i], $"row {i}");
    }

    [TestMethod]
    public void APipelineWithAugmentationSavesAndLoads()
    {
        var (ml, model, _) = Train(marker: true, option: null);
        var data = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(60, 2));
        var path = Path.Combine(Path.GetTempPath(), $"cnn-augment-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var before = Scores(ml, model);
            var after = Scores(ml, loaded);
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
        }
        finally { File.Delete(path); }
    }

    public sealed class Marked
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
        [ColumnName(AugmentationAnnotation.Prefix + "fromanotherprocess"), VectorType(64)] public float[] Marker { get; set; } = [];
    }

    [TestMethod]
    public void AMarkerWithoutItsPolicyIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var rows = CnnMulticlassTests.Stripes(40, 1).Select(r => new Marked { Features = r.Features, Label = r.Label, Marker = r.Features });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(CnnMulticlassTests.SmallCnn()));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, AugmentationAnnotation.Prefix + "fromanotherprocess");
    }

    [TestMethod]
    public void AugmentingAMissingColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Augment(Policy(), "Pixels").Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(4, 1))));
        StringAssert.Contains(e.Message, "'Pixels'");
    }
}
