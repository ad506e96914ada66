using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Cnn.Transfer;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// ML.NET's ImageNet ResNet-18 (NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, which this test project
/// references) as a core backbone: imported, with its preprocessing folded into RGB channel order and a normalization.
/// </summary>
[TestClass]
public sealed class PretrainedResNet18Tests
{
    private static string Models => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    [TestMethod]
    public void TheBackboneOnRgbPixelsGivesWhatOnnxRuntimeGivesThroughMLNetsPreprocessing()
    {
        var backbone = PretrainedBackbones.ResNet18ImageNet();
        CollectionAssert.AreEqual(new[] { 3, 224, 224 }, backbone.InputShape.Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 512, 1, 1 }, backbone.Blocks[^1].OutputShape.Dimensions.ToArray(), "512 features after the global pooling");
        var rgb = RgbImages(2);
        var ours = CoreFeatures(backbone, rgb);

        // ML.NET's way: pixels 0 … 255 in R, G, B planes → ResNetPreprocess.onnx → ResNet18.onnx, one image at a time.
        using var preprocess = new InferenceSession(Path.Combine(Models, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var resnet = new InferenceSession(Path.Combine(Models, "ResNet18Onnx", "ResNet18.onnx"));
        var expected = new List<float>();
        for (int image = 0; image < 2; image++)
        {
            var pixels = new DenseTensor<float>(rgb.Skip(image * Size).Take(Size).Select(v => v * 255).ToArray(), [1, 3, 224, 224]);
            using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor(preprocess.InputMetadata.Keys.Single(), pixels)]);
            var input = prepared.Single().AsTensor<float>().ToDenseTensor();
            using var features = resnet.Run([NamedOnnxValue.CreateFromTensor(resnet.InputMetadata.Keys.Single(), input)]);
            expected.AddRange(features.Single().AsEnumerable<float>());
        }
        Assert.AreEqual(expected.Count, ours.Length);
        float scale = expected.Max(Math.Abs);
        for (int i = 0; i < ours.Length; i++)
            Assert.AreEqual(expected[i], ours[i], 1e-4f * scale, $"feature {i % 512} of image {i / 512}");
    }

    private const int Size = 3 * 224 * 224;

    /// <summary><paramref name="count"/> RGB images of pixels in [0, 1], as the trainers feed them, one after the other.</summary>
    private static float[] RgbImages(int count)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count * Size).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>The core backbone's 512 features of each image, after the backbone's normalization.</summary>
    private static float[] CoreFeatures(TransferBackbone backbone, float[] rgb)
    {
        var normalized = new Tensors.Tensor(rgb.Length / Size, 3, 224, 224);
        for (int i = 0; i < normalized.Length; i++)
        {
            int c = i / (224 * 224) % 3;
            normalized.Span[i] = (rgb[i] - backbone.Normalization.Mean[c]) / backbone.Normalization.Std[c];
        }
        return backbone.CopyBlocks(backbone.Blocks.Count)[0].Forward(normalized, training: false).ToArray();
    }

    private sealed class Pixels
    {
        [VectorType(Size)] public float[] Features { get; set; } = [];
    }

    [TestMethod]
    public void TheFeaturizerGivesItsFeaturesAsAColumn()
    {
        var backbone = PretrainedBackbones.ResNet18ImageNet();
        var rgb = RgbImages(2);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 2).Select(i => new Pixels { Features = rgb[(i * Size)..((i + 1) * Size)] }));
        var featurized = ml.Transforms.CnnFeaturizer(backbone).Fit(data).Transform(data);
        var columns = featurized.GetColumn<float[]>("CnnFeatures").SelectMany(v => v).ToArray();

        var expected = CoreFeatures(backbone, rgb);
        Assert.AreEqual(expected.Length, columns.Length);
        float scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], columns[i], 1e-4f * scale, $"feature {i % 512} of image {i / 512}");
    }

    [TestMethod]
    public void TheTransferTrainerTakesItAsABackboneAndSavesTheWholeNetwork()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-resnet18-");
        try
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(ColorPictures.Write(60, 1, directory.FullName));
            var test = ml.Data.LoadFromEnumerable(ColorPictures.Write(30, 2, directory.FullName));
            var pipeline = ml.Transforms.LoadImages("Features", null, nameof(ColorPictures.Row.Path))
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
                {
                    PretrainedBackbone = PretrainedBackbones.ResNet18ImageNet(), Policy = TransferPolicy.FreezeAll, Epochs = 30, BatchSize = 16, Seed = 1,
                }));
            var model = pipeline.Fit(train);
            var cnn = CnnPredictionTransformer.Find(model)!;
            CollectionAssert.AreEqual(new[] { 3, 224, 224 }, cnn.Model.InputShape.Dimensions.ToArray(), "the images are resized to the backbone's input");
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            Assert.IsTrue(metrics.MicroAccuracy > 0.8, $"micro accuracy {metrics.MicroAccuracy}");

            string path = Path.Combine(directory.FullName, "resnet18-transfer.zip");
            ml.Model.Save(model, train.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var before = model.Transform(test).GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            var after = loaded.Transform(test).GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void AFolderWithoutTheFilesIsNamedWithThePackageToAdd()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => PretrainedBackbones.ResNet18ImageNet(Path.GetTempPath()));
        StringAssert.Contains(e.Message, "ResNet18.onnx");
        StringAssert.Contains(e.Message, PretrainedBackbones.ResNet18Package);
    }
}
