using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Models;
using static MLNet.Cnn.Transforms.Tests.StripeImages;

namespace MLNet.Cnn.Transforms.Tests;

/// <summary>The featurizer inside ML.NET pipelines: another trainer learning on its features, Save/Load, several threads.</summary>
[TestClass]
public sealed class CnnFeaturizerPipelineTests
{
    public sealed class Featurized
    {
        public float[] CnnFeatures { get; set; } = [];
    }

    private static int[][] Bits(IEnumerable<float[]> rows) => rows.Select(r => r.Select(BitConverter.SingleToInt32Bits).ToArray()).ToArray();

    private static void AssertBitIdentical(float[][] expected, float[][] actual)
    {
        var (e, a) = (Bits(expected), Bits(actual));
        Assert.AreEqual(e.Length, a.Length, "rows");
        for (int i = 0; i < e.Length; i++) CollectionAssert.AreEqual(e[i], a[i], $"row {i}");
    }

    private static float[][] Features(IDataView data) => data.GetColumn<float[]>("CnnFeatures").ToArray();

    [TestMethod]
    public void SdcaLearnsOnTheFeaturesOfASavedModelFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"featurizer-{Guid.NewGuid():N}.cnn");
        try
        {
            ModelFile.Save(Model, path);
            var ml = new MLContext(seed: 1);
            var pipeline = ml.Transforms.CnnFeaturizer(path, "features/pool")
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.Transforms.NormalizeMinMax("CnnFeatures"))
                .AppendCacheCheckpoint(ml) // SDCA passes over the data many times; the network then runs once per image
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "CnnFeatures"));
            var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Make(300, 4)));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Make(150, 5))));
            // Three balanced classes: chance is 1/3.
            Assert.IsTrue(metrics.MicroAccuracy > 0.9, $"micro accuracy {metrics.MicroAccuracy}");
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void SaveThenLoadGivesBitIdenticalFeatures()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Make(50, 6));
        var model = ml.Transforms.CnnFeaturizer(Model, "features/relu").Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"featurizer-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext().Model.Load(path, out var inputSchema);
            Assert.IsNotNull(inputSchema.GetColumnOrNull("Features"));
            var before = Features(model.Transform(data));
            Assert.AreEqual(4 * Side * Side, before[0].Length);
            AssertBitIdentical(before, Features(loaded.Transform(data)));
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void OnePredictionEnginePerThreadMatchesSerialTransform()
    {
        var ml = new MLContext(seed: 1);
        var rows = Make(120, 7);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.CnnFeaturizer(Model, "features").Fit(data);
        var serial = Features(model.Transform(data));
        var parallel = new float[rows.Count][];
        // A PredictionEngine is single-threaded by ML.NET's contract; the transformer is shared by one engine per thread.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var engine = ml.Model.CreatePredictionEngine<Image, Featurized>(model);
            for (int i = worker; i < rows.Count; i += 4) parallel[i] = engine.Predict(rows[i]).CnnFeatures;
        });
        AssertBitIdentical(serial, parallel);
    }
}
