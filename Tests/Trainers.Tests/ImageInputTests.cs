using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Training on an MLImage column: the trainer resizes and extracts pixels with ML.NET's own image steps.</summary>
[TestClass]
public sealed class ImageInputTests
{
    private const int Side = 8;

    public sealed class ImagePath
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>The stripes of the multiclass tests written as 8×8 gray PNG files into <paramref name="directory"/>.</summary>
    private static List<ImagePath> Pictures(int count, int seed, string directory) => CnnMulticlassTests.Stripes(count, seed).Select((s, i) =>
    {
        var bgra = new byte[Side * Side * 4];
        for (int p = 0; p < Side * Side; p++)
        {
            byte value = (byte)Math.Clamp(s.Features[p] / 1.5f * 255, 0, 255);
            bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = value;
            bgra[4 * p + 3] = 255;
        }
        var path = System.IO.Path.Combine(directory, $"{seed}-{i}.png");
        using (var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra)) image.Save(path);
        return new ImagePath { Path = path, Label = s.Label };
    }).ToList();

    private static IEstimator<ITransformer> Pipeline(MLContext ml, int channels) =>
        ml.Transforms.LoadImages("Features", null, "Path")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options(channels)));

    private static CnnMulticlassOptions Options(int channels) => new()
    {
        Channels = channels, Height = Side, Width = Side, Epochs = 4, BatchSize = 32, LearningRate = 3e-3f,
        Network = CnnMulticlassTests.SmallCnn().Network,
    };

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void AClassifierTrainsOnAnImageColumnAndSavesAndLoads(int channels)
    {
        var directory = Directory.CreateTempSubdirectory("cnn-images-");
        try
        {
            var ml = new MLContext(seed: 1);
            var model = (TransformerChain<CnnPredictionTransformer>)Pipeline(ml, channels).Fit(ml.Data.LoadFromEnumerable(Pictures(600, 1, directory.FullName)));
            var test = ml.Data.LoadFromEnumerable(Pictures(150, 2, directory.FullName));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            Assert.IsTrue(metrics.MicroAccuracy > 0.9, $"micro accuracy {metrics.MicroAccuracy}");
            Assert.AreEqual(channels, model.LastTransformer.Model.InputShape[0]);

            var path = System.IO.Path.Combine(directory.FullName, "model.zip");
            ml.Model.Save(model, test.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var before = model.Transform(test).GetColumn<float[]>("Score").ToArray();
            var after = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void AnImageColumnIsAugmentedInTraining()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-images-");
        try
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            var pipeline = ml.Transforms.LoadImages("Features", null, "Path")
                .Append(ml.Transforms.Augment(new MLNet.Cnn.Augment.AugmentationPipeline(new MLNet.Cnn.Augment.HorizontalFlip(), new MLNet.Cnn.Augment.ColorJitter(brightness: 0.2)), "Features"))
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Cnn(Options(3)));
            var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Pictures(600, 1, directory.FullName)));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Pictures(150, 2, directory.FullName))));
            Assert.IsTrue(metrics.MicroAccuracy > 0.9, $"micro accuracy {metrics.MicroAccuracy}");
            StringAssert.Contains(string.Join("\n", log), "Augmenting training images with HorizontalFlip → ColorJitter");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void AnImageThatFailsToLoadNamesTheRowAndTheColumn()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-images-");
        try
        {
            var broken = System.IO.Path.Combine(directory.FullName, "broken.png");
            File.WriteAllText(broken, "not an image");
            var ml = new MLContext(seed: 1);
            var rows = new[] { new ImagePath { Path = broken, Label = "a" }, new ImagePath { Path = broken, Label = "b" } };
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => Pipeline(ml, 1).Fit(ml.Data.LoadFromEnumerable(rows)));
            StringAssert.Contains(e.Message, "Row 0");
            StringAssert.Contains(e.Message, "'Features'");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void ChannelsOtherThanOneOrThreeAreRefusedForImages()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new ImagePath { Path = "a.png", Label = "a" } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => Pipeline(ml, 2).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "the network takes 2");
    }
}
