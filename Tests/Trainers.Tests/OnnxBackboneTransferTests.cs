using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Transfer;
using MLNet.Cnn.Data;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>The transfer trainer on a real pretrained ONNX backbone (fmnist-resnet-small, cut at "features") with 50 images per class.</summary>
[TestClass]
public sealed class OnnxBackboneTransferTests
{
    public sealed class Image
    {
        [VectorType(28 * 28)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    internal const string FreshProcessModel = "MLNET_CNN_FRESH_PROCESS_TRANSFER_MODEL";

    internal static List<Image> Rows(ImageDataset data, int perClass)
    {
        var taken = new int[data.ClassCount];
        var rows = new List<Image>();
        for (int i = 0; i < data.Count && rows.Count < perClass * data.ClassCount; i++)
            if (taken[data.Labels[i]]++ < perClass)
                rows.Add(new Image { Features = data.Pixels(i).ToArray(), Label = data.ClassNames[data.Labels[i]] });
        return rows;
    }

    [TestMethod]
    public void AHeadOnAnOnnxBackboneLearnsFromFiftyImagesPerClassAndSavesAndLoads()
    {
        string path = TestModels.PathOf("fmnist-resnet-small.onnx");
        if (!FashionMnist.IsAvailable()) Assert.Inconclusive($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist.");
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(FashionMnist.LoadTrain(), 50));
        var test = ml.Data.LoadFromEnumerable(Rows(FashionMnist.LoadTest(), 200));
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
            {
                BackbonePath = path, FeatureLayer = "features", Epochs = 100, BatchSize = 50, LearningRate = 1e-2f,
            }))
            .Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsTrue(metrics.MicroAccuracy > 0.85, $"accuracy {metrics.MicroAccuracy} on 2,000 test images");
        StringAssert.Contains(string.Join("\n", log), "FreezeAll", "500 images: Auto freezes the backbone");

        var file = Path.Combine(Path.GetTempPath(), $"cnn-onnx-transfer-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, file);
            var before = model.Transform(test).GetColumn<float[]>("Score").ToArray();
            var after = new MLContext().Model.Load(file, out _).Transform(test).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");

            string output = FreshProcess.RunTest(typeof(TransferModelInAFreshProcess), nameof(TransferModelInAFreshProcess.LoadsAndScores), FreshProcessModel, file);
            var fresh = File.ReadAllLines(file + ".scores").Select(l => l.Split(' ').Select(v => BitConverter.Int32BitsToSingle(int.Parse(v))).ToArray()).ToArray();
            Assert.AreEqual(before.Length, fresh.Length, output);
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], fresh[i], $"row {i} in a fresh process");
        }
        finally { File.Delete(file); File.Delete(file + ".scores"); }
    }

    [TestMethod]
    public void ABackboneRunByOnnxRuntimeTrainsAHeadAndSavesAndLoads()
    {
        string path = TestModels.PathOf("fmnist-resnet-small.onnx");
        if (!FashionMnist.IsAvailable()) Assert.Inconclusive($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist.");
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(FashionMnist.LoadTrain(), 50));
        var test = ml.Data.LoadFromEnumerable(Rows(FashionMnist.LoadTest(), 200));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
            {
                BackbonePath = path, FeatureLayer = "features", BackboneOnOnnxRuntime = true, Epochs = 100, BatchSize = 50, LearningRate = 1e-2f,
            }))
            .Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsTrue(metrics.MicroAccuracy > 0.85, $"accuracy {metrics.MicroAccuracy} on 2,000 test images");
        Assert.AreEqual(64, CnnPredictionTransformer.Find(model)!.Model.InputShape[0], "the head reads the 64 features");

        var file = Path.Combine(Path.GetTempPath(), $"cnn-ort-transfer-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, file);
            var before = model.Transform(test).GetColumn<float[]>("Score").ToArray();
            var after = new MLContext().Model.Load(file, out _).Transform(test).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
        }
        finally { File.Delete(file); }
    }

    [TestMethod]
    public void ABackboneRunByOnnxRuntimeStaysFrozenAndNeedsAGraphOutput()
    {
        string path = TestModels.PathOf("fmnist-resnet-small.onnx");
        var ml = new MLContext(seed: 1);
        var fineTune = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
            { BackbonePath = path, FeatureLayer = "features", BackboneOnOnnxRuntime = true, Policy = TransferPolicy.FineTuneAll }));
        StringAssert.Contains(fineTune.Message, "frozen");
        var inner = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
            { BackbonePath = path, FeatureLayer = "some_inner_value", BackboneOnOnnxRuntime = true }));
        StringAssert.Contains(inner.Message, "logits, features");
    }

    public sealed class ImagePath
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void ABackboneRunByOnnxRuntimeRefusesAnImageColumnByName()
    {
        string file = Path.Combine(Path.GetTempPath(), $"cnn-ort-image-{Guid.NewGuid():N}.png");
        try
        {
            using (var picture = Microsoft.ML.Data.MLImage.CreateFromPixels(28, 28, Microsoft.ML.Data.MLPixelFormat.Bgra32, new byte[28 * 28 * 4])) picture.Save(file);
            var ml = new MLContext(seed: 1);
            var rows = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = file, Label = "a" }, new ImagePath { Path = file, Label = "b" } });
            var images = ml.Transforms.LoadImages("Features", null, "Path").Append(ml.Transforms.Conversion.MapValueToKey("Label")).Fit(rows).Transform(rows);
            var trainer = ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
                { BackbonePath = TestModels.PathOf("fmnist-resnet-small.onnx"), FeatureLayer = "features", BackboneOnOnnxRuntime = true });
            var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(images));
            StringAssert.Contains(e.Message, "'Features' is an image");
            StringAssert.Contains(e.Message, "1×28×28");
        }
        finally { File.Delete(file); }
    }

    [TestMethod]
    public void AnOnnxBackboneNeedsTheValueToCutAt()
    {
        string path = TestModels.PathOf("fmnist-resnet-small.onnx");
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions { BackbonePath = path }));
        StringAssert.Contains(e.Message, "logits, features");
    }
}
