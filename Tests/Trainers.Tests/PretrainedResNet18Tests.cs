using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Cnn.Transfer;

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
        var network = backbone.CopyBlocks(backbone.Blocks.Count)[0];

        // Two RGB images of pixels in [0, 1], as the trainers feed them, through the backbone's normalization.
        const int size = 3 * 224 * 224;
        var random = new Random(3);
        var rgb = Enumerable.Range(0, 2 * size).Select(_ => (float)random.NextDouble()).ToArray();
        var normalized = new Tensors.Tensor(2, 3, 224, 224);
        for (int i = 0; i < normalized.Length; i++)
        {
            int c = i / (224 * 224) % 3;
            normalized.Span[i] = (rgb[i] - backbone.Normalization.Mean[c]) / backbone.Normalization.Std[c];
        }
        var ours = network.Forward(normalized, training: false).ToArray();

        // ML.NET's way: pixels 0 … 255 in R, G, B planes → ResNetPreprocess.onnx → ResNet18.onnx, one image at a time.
        using var preprocess = new InferenceSession(Path.Combine(Models, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var resnet = new InferenceSession(Path.Combine(Models, "ResNet18Onnx", "ResNet18.onnx"));
        var expected = new List<float>();
        for (int image = 0; image < 2; image++)
        {
            var pixels = new DenseTensor<float>(rgb.Skip(image * size).Take(size).Select(v => v * 255).ToArray(), [1, 3, 224, 224]);
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
