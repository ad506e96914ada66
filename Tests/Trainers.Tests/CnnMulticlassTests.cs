using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Shared;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

[TestClass]
public sealed class CnnMulticlassTests
{
    private const int Side = 8, Pixels = Side * Side;

    public sealed class Image
    {
        [VectorType(Pixels)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    /// <summary>Three classes of 1×8×8 images: a bright row near the top, the middle or the bottom, on noise.</summary>
    internal static List<Image> Stripes(int count, int seed)
    {
        string[] names = ["top", "middle", "bottom"];
        var random = new Random(seed);
        var rows = new List<Image>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3);
            var pixels = SyntheticImages.Noise(random, Pixels);
            SyntheticImages.BrightRow(pixels, Side, label * 3 + random.Next(2));
            rows.Add(new Image { Features = pixels, Label = names[label] });
        }
        return rows;
    }

    internal static CnnMulticlassOptions SmallCnn(IProgress<TrainingProgress>? progress = null) => new()
    {
        Channels = 1, Height = Side, Width = Side, Epochs = 4, BatchSize = 32, LearningRate = 3e-3f, Progress = progress, ProgressInterval = 5,
        Network = (c, h, w, k) => new Sequential("net",
            new Conv2dLayer("conv", c, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
            new FlattenLayer("flatten"), new DenseLayer("fc", 4 * h * w, k)),
    };

    private static (MLContext Ml, ITransformer Model, IDataView Test) Train(List<string>? log = null, List<TrainingProgress>? progress = null)
    {
        var ml = new MLContext(seed: 1);
        if (log is not null) ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var train = ml.Data.LoadFromEnumerable(Stripes(600, 1));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(SmallCnn(progress is null ? null : new SynchronousProgress(progress.Add))))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return (ml, pipeline.Fit(train), ml.Data.LoadFromEnumerable(Stripes(150, 2)));
    }

    /// <summary>The trained core network's logits for these images (1×8×8 each), computed by the core layers directly.</summary>
    internal static float[][] CoreForward(CnnPredictionTransformer model, float[][] images)
    {
        var input = Tensor.FromArray(images.SelectMany(i => i).ToArray(), images.Length, 1, Side, Side);
        var logits = model.Model.Network.Forward(input, training: false).ToArray();
        int outputs = logits.Length / images.Length;
        return Enumerable.Range(0, images.Length).Select(i => logits[(i * outputs)..((i + 1) * outputs)]).ToArray();
    }

    internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private static float[][] Scores(IDataView data) =>
        data.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

    [TestMethod]
    public void APipelineTrainsEvaluatesAndPredicts()
    {
        var log = new List<string>();
        var progress = new List<TrainingProgress>();
        var (ml, model, test) = Train(log, progress);
        var scored = model.Transform(test);

        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsTrue(metrics.MicroAccuracy > 0.9, $"micro accuracy {metrics.MicroAccuracy}");
        Assert.IsTrue(metrics.LogLoss < 0.5, $"log-loss {metrics.LogLoss}");

        var scores = Scores(scored);
        Assert.IsTrue(scores.All(s => s.Length == 3 && Math.Abs(s.Sum() - 1) < 1e-4), "Score holds the class probabilities");
        var predicted = scored.GetColumn<string>("PredictedLabel").ToArray();
        var truth = Stripes(150, 2).Select(r => r.Label).ToArray();
        Assert.IsTrue(predicted.Zip(truth).Count(p => p.First == p.Second) > 0.9 * truth.Length, "PredictedLabel maps back to the label values");

        var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(model);
        var sample = Stripes(20, 3);
        int right = sample.Count(s => engine.Predict(s).PredictedLabel == s.Label);
        Assert.IsTrue(right >= 18, $"{right}/20 right");
        CollectionAssert.AreEqual(scores[0], engine.Predict(Stripes(150, 2)[0]).Score, "PredictionEngine and Transform agree");

        Assert.AreEqual(4, progress.Count(p => p.IsEpochEnd), "the progress callback sees every epoch");
        Assert.IsTrue(log.Count(m => m.Contains("epoch ") && m.Contains("img/s")) >= 4, "epochs are written to MLContext.Log: " + string.Join(" | ", log.Where(m => m.Contains("Cnn") || m.Contains("epoch")).Take(5)) + $" ({log.Count} messages)");
    }

    [TestMethod]
    public void SaveThenLoadGivesIdenticalScores()
    {
        var (ml, model, test) = Train();
        var path = Path.Combine(Path.GetTempPath(), $"cnn-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, test.Schema, path);
            var loaded = new MLContext().Model.Load(path, out var inputSchema);
            Assert.IsNotNull(inputSchema.GetColumnOrNull("Features"));
            var before = Scores(model.Transform(test));
            var after = Scores(loaded.Transform(test));
            Assert.AreEqual(before.Length, after.Length);
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
            CollectionAssert.AreEqual(model.Transform(test).GetColumn<string>("PredictedLabel").ToArray(),
                loaded.Transform(test).GetColumn<string>("PredictedLabel").ToArray());
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void ScoringFromSeveralThreadsMatchesSerialScoring()
    {
        var (ml, model, test) = Train();
        var serial = Scores(model.Transform(test));
        var rows = Stripes(150, 2);
        var parallel = new float[rows.Count][];
        // A PredictionEngine is single-threaded by ML.NET's contract; the transformer is shared by one engine per thread.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(model);
            for (int i = worker; i < rows.Count; i += 4) parallel[i] = engine.Predict(rows[i]).Score;
        });
        for (int i = 0; i < rows.Count; i++) CollectionAssert.AreEqual(serial[i], parallel[i], $"row {i}");
    }

    private const string FreshProcessModel = "MLNET_CNN_FRESH_PROCESS_MODEL";

    /// <summary>
    /// Saves here, then runs <see cref="LoadsAndScoresInThisProcess"/> in a second test host (a fresh process that has
    /// loaded nothing of ours) through <c>dotnet test</c>; it loads the zip and must give the same scores.
    /// </summary>
    [TestMethod]
    public void SaveThenLoadInAFreshProcessGivesIdenticalScores()
    {
        var (ml, model, test) = Train();
        var directory = Directory.CreateTempSubdirectory("cnn-fresh-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.zip");
            ml.Model.Save(model, test.Schema, path);
            var expected = Scores(model.Transform(test));
            string output = FreshProcess.RunTest(typeof(CnnMulticlassTests), nameof(LoadsAndScoresInThisProcess), FreshProcessModel, path);
            var actual = File.ReadAllLines(path + ".scores").Select(l => l.Split(' ').Select(v => BitConverter.Int32BitsToSingle(int.Parse(v))).ToArray()).ToArray();
            Assert.AreEqual(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        }
        finally { directory.Delete(recursive: true); }
    }

    /// <summary>The second half of <see cref="SaveThenLoadInAFreshProcessGivesIdenticalScores"/>; does nothing when run on its own.</summary>
    [TestMethod]
    public void LoadsAndScoresInThisProcess()
    {
        if (Environment.GetEnvironmentVariable(FreshProcessModel) is not { Length: > 0 } path) return;
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.Cnn.Trainers"),
            "nothing of ours is loaded before Model.Load");
        var ml = new MLContext();
        var model = ml.Model.Load(path, out _);
        var scores = Scores(model.Transform(ml.Data.LoadFromEnumerable(Stripes(150, 2))));
        File.WriteAllLines(path + ".scores", scores.Select(row => string.Join(' ', row.Select(v => BitConverter.SingleToInt32Bits(v)))));
    }

    [TestMethod]
    public void TheOutputSchemaComesFromTheBuiltInSteps()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Stripes(10, 1));
        var estimator = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(SmallCnn()));
        var shape = estimator.GetOutputSchema(SchemaShapes.Of(data.Schema));
        var score = shape.Single(c => c.Name == "Score");
        Assert.AreEqual(NumberDataViewType.Single, score.ItemType);
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.IsTrue(predicted.IsKey, "PredictedLabel is a key");
    }

    [TestMethod]
    public void PredictedLabelHasTheLabelsKeyTypeAndKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Stripes(100, 1));
        var options = SmallCnn();
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                Channels = 1, Height = Side, Width = Side, Epochs = 1, BatchSize = 32, Network = options.Network,
            })).Fit(data);
        var schema = model.Transform(data).Schema;
        var label = schema["Label"];
        var predicted = schema["PredictedLabel"];
        Assert.AreEqual(label.Type, predicted.Type);
        VBuffer<ReadOnlyMemory<char>> labelValues = default, predictedValues = default;
        label.GetKeyValues(ref labelValues);
        predicted.GetKeyValues(ref predictedValues);
        CollectionAssert.AreEqual(labelValues.DenseValues().Select(v => v.ToString()).ToArray(),
            predictedValues.DenseValues().Select(v => v.ToString()).ToArray());
        var score = (VectorDataViewType)schema["Score"].Type;
        Assert.AreEqual(3, score.Size);
    }

    public sealed class Image12
    {
        [VectorType(144)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void WithoutANetworkFactoryLeNet5IsTrained()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        var rows = Enumerable.Range(0, 64).Select(i => new Image12
        {
            Features = Enumerable.Range(0, 144).Select(_ => (float)random.NextDouble()).ToArray(), Label = i % 2 == 0 ? "even" : "odd",
        });
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions { Height = 12, Width = 12, Epochs = 1, BatchSize = 16 }))
            .Fit(data);
        var scores = Scores(model.Transform(data));
        Assert.AreEqual(64, scores.Length);
        Assert.IsTrue(scores.All(s => s.Length == 2 && Math.Abs(s.Sum() - 1) < 1e-4));
    }

    public sealed class Short
    {
        [VectorType(Pixels - 1)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public sealed class Unlabeled
    {
        [VectorType(Side * Side)] public float[] Pixels { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private static ArgumentException FitFails<T>(IEnumerable<T> rows, bool mapLabel = true) where T : class
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.MulticlassClassification.Trainers.Cnn(SmallCnn());
        IEstimator<ITransformer> pipeline = mapLabel ? ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer) : trainer;
        return Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
    }

    [TestMethod]
    public void AMissingFeatureColumnIsNamed()
    {
        var e = FitFails(Stripes(10, 1).Select(r => new Unlabeled { Pixels = r.Features, Label = r.Label }));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "not in the data");
    }

    [TestMethod]
    public void AWrongPixelCountNamesTheColumnAndBothSizes()
    {
        var e = FitFails(Stripes(10, 1).Select(r => new Short { Features = r.Features[..^1], Label = r.Label }));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "size 63");
        StringAssert.Contains(e.Message, "64 = 1×8×8");
    }

    [TestMethod]
    public void ALabelThatIsNotAKeyIsRefused()
    {
        var e = FitFails(Stripes(10, 1), mapLabel: false);
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "key type");
    }

    [TestMethod]
    public void NaNPixelsNameTheColumnAndTheRow()
    {
        var rows = Stripes(10, 1);
        rows[4].Features[7] = float.NaN;
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(SmallCnn()));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 4");
        StringAssert.Contains(e.Message, "'Features'");
    }
}
