using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>LoadFromImageFolder composed with ML.NET's image steps and the CNN trainer.</summary>
[TestClass]
public sealed class ImageFolderPipelineTests
{
    private const int Side = 32;

    /// <summary>
    /// Three colors, 12 images each, 2 epochs: enough to show the pieces compose, not to train well. The accuracy check is
    /// only "better than chance" (1/3); over seeds 1–10 this configuration scored 2/3 or better on the 9 held-out images.
    /// </summary>
    [TestMethod]
    public void AnImageFolderTrainsACnnThroughLoadImages()
    {
        using var folder = new TemporaryImageFolder();
        foreach (var (label, color) in TemporaryImageFolder.Colors)
            for (int i = 0; i < 12; i++) folder.Image($"{label}/{i:D2}.{(i % 3 == 0 ? "jpg" : "png")}", color, Side, seed: i);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromImageFolder(folder.Root, new ImageFolderOptions { ValidationFraction = 0.25, Seed = 1 });

        var pipeline = ml.Transforms.Conversion.MapValueToKey(ImageFolderData.LabelColumnName)
            .Append(ml.Transforms.LoadImages("Image", imageFolder: null, ImageFolderData.ImagePathColumnName))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                FeatureColumnName = "Image", Channels = 3, Height = Side, Width = Side, Epochs = 2, BatchSize = 9, LearningRate = 2e-2f,
                Network = (c, h, w, classes) => new Sequential("net",
                    new Conv2dLayer("conv", c, 8, 3, padding: 1), new ActivationLayer("tanh", new Tanh()),
                    new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("fc", 8, classes)),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var scored = pipeline.Fit(data.Train).Transform(data.Validation!);

        var predicted = scored.GetColumn<string>("PredictedLabel").ToArray();
        Assert.AreEqual(9, predicted.Length);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsTrue(metrics.MicroAccuracy > 0.5, $"accuracy {metrics.MicroAccuracy}, chance is 1/3; predicted {string.Join(", ", predicted)}");
    }

    /// <summary>The documented way to Model Builder's byte column; it reads each file when a cursor reaches it, not at loading.</summary>
    [TestMethod]
    public void LoadRawImageBytesAddsTheEncodedFilesWhenTheCursorReachesThem()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("red", 2), ("blue", 2));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromImageFolder(folder.Root, new ImageFolderOptions { ValidationFraction = 0 });
        string changed = folder.Image("red/red-00.png", (0, 0, 0), side: 12);

        var withBytes = ml.Transforms.LoadRawImageBytes("ImageBytes", null, ImageFolderData.ImagePathColumnName).Fit(data.Train).Transform(data.Train);
        var type = (VectorDataViewType)withBytes.Schema["ImageBytes"].Type;
        Assert.AreEqual((NumberDataViewType.Byte, 0), (type.ItemType, type.Size), "VarVector<byte>");
        var paths = withBytes.GetColumn<string>(ImageFolderData.ImagePathColumnName).ToArray();
        var bytes = withBytes.GetColumn<byte[]>("ImageBytes").ToArray();
        for (int i = 0; i < paths.Length; i++) CollectionAssert.AreEqual(File.ReadAllBytes(paths[i]), bytes[i], paths[i]);
        Assert.IsTrue(paths.Contains(changed));
    }
}
