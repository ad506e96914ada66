using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Trainers.Tests.ColorPictures;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Every kind of feature column ML.NET users have — a float pixel vector, an MLImage (LoadImages), encoded bytes as
/// Model Builder's <c>byte[] ImageSource</c> and as <c>LoadRawImageBytes</c> — trains, keeps color, and scores the same
/// after save → load.
/// </summary>
[TestClass]
public sealed class InputKindsTests
{
    private static DirectoryInfo _directory = null!;
    private static List<Row> _train = null!, _test = null!;

    [ClassInitialize]
    public static void WritePictures(TestContext _)
    {
        _directory = Directory.CreateTempSubdirectory("cnn-input-kinds-");
        _train = ColorPictures.Write(240, 1, _directory.FullName);
        _test = ColorPictures.Write(60, 2, _directory.FullName);
    }

    [ClassCleanup]
    public static void DeletePictures() => _directory.Delete(recursive: true);

    public enum Kind { PixelVector, LoadImages, ByteArray, LoadRawImageBytes }

    /// <summary>The steps before the trainer that give its feature column, "Features", of the kind.</summary>
    internal static IEstimator<ITransformer> Input(MLContext ml, Kind kind) => kind switch
    {
        Kind.PixelVector => ml.Transforms.LoadImages("Image", null, nameof(Row.Path)).Append(ml.Transforms.ResizeImages("Image", Side, Side))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: false, scaleImage: 1f / 255)),
        Kind.LoadImages => ml.Transforms.LoadImages("Features", null, nameof(Row.Path)),
        Kind.ByteArray => ml.Transforms.CopyColumns("Features", nameof(Row.ImageSource)),
        Kind.LoadRawImageBytes => ml.Transforms.LoadRawImageBytes("Features", null, nameof(Row.Path)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static CnnMulticlassOptions Options() => new()
    {
        Height = Side, Width = Side, Epochs = 6, BatchSize = 16, LearningRate = 1e-2f, Seed = 3,
        Network = (c, h, w, k) => new Sequential("net",
            new Conv2dLayer("conv", c, 6, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
            new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("fc", 6, k)),
    };

    private static float[][] Scores(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

    [TestMethod]
    [DataRow(Kind.PixelVector)]
    [DataRow(Kind.LoadImages)]
    [DataRow(Kind.ByteArray)]
    [DataRow(Kind.LoadRawImageBytes)]
    public void EachInputKindTrainsInColorAndScoresTheSameAfterSaveAndLoad(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var pipeline = Input(ml, kind).Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options()));
        var train = ml.Data.LoadFromEnumerable(_train);
        var test = ml.Data.LoadFromEnumerable(_test);
        var shape = pipeline.GetOutputSchema(SchemaShapes.Of(train.Schema));
        Assert.IsTrue(shape.Any(c => c.Name == "Score") && shape.Any(c => c.Name == "PredictedLabel"), $"{kind}: the output schema before Fit");
        var model = pipeline.Fit(train);

        var cnn = CnnPredictionTransformer.Find(model)!;
        CollectionAssert.AreEqual(new[] { 3, Side, Side }, cnn.Model.InputShape.Dimensions.ToArray(), "color by default, the size from the options or the vector");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsTrue(metrics.MicroAccuracy > 0.9, $"{kind}: micro accuracy {metrics.MicroAccuracy} (only color separates the classes)");

        string path = Path.Combine(_directory.FullName, $"{kind}.zip");
        ml.Model.Save(model, train.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        var before = Scores(model, test);
        var after = Scores(loaded, test);
        for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"{kind}, row {i}");
    }

    [TestMethod]
    public void AModelOnByteArraysLoadsAndScoresInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(_train);
        var model = Input(ml, Kind.ByteArray).Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options() with { Epochs = 1 })).Fit(train);
        string path = Path.Combine(_directory.FullName, "bytes-fresh.zip");
        ml.Model.Save(model, train.Schema, path);
        File.WriteAllLines(path + ".inputs", _test.Select(r => $"{r.Path}\t{r.Label}"));

        var output = FreshProcess.RunTest(typeof(EncodedBytesModelInAFreshProcess), nameof(EncodedBytesModelInAFreshProcess.LoadsAndScoresByteArrays),
            EncodedBytesModelInAFreshProcess.ModelVariable, path);
        var expected = Scores(model, ml.Data.LoadFromEnumerable(_test)).Select(s => string.Join(",", s.Select(BitConverter.SingleToInt32Bits))).ToArray();
        CollectionAssert.AreEqual(expected, File.ReadAllLines(path + ".scores"), output);
    }

    [TestMethod]
    [DataRow(Kind.LoadImages)]
    [DataRow(Kind.ByteArray)]
    public void TrainingReadsThePixelsExtractPixelsGivesPlaneByPlaneRgb(Kind kind)
    {
        // What the trainer stores and reads back (the pixel cache, then the scale) against ML.NET's own ExtractPixels.
        var ml = new MLContext(seed: 1);
        var options = Options() with { ImagePixelScale = 1f / 255 };
        var data = Input(ml, kind).Fit(ml.Data.LoadFromEnumerable(_test.Take(20))).Transform(ml.Data.LoadFromEnumerable(_test.Take(20)));
        var shape = new TensorShape(3, Side, Side);
        var inputKind = ImageInput.KindOf(data.Schema["Features"].Type)!.Value;
        var pixels = ImageInput.ToPixels(ml, options, inputKind, shape, scale: 1).Fit(data).Transform(data);
        var label = pixels.Schema["Label"];
        var rows = new RowSource(ImageInput.PixelColumnName, "Features", ImageInput.Storage(inputKind), shape, null, default, null);
        using var cache = RowReader.Read(pixels, rows, label, _ => _ => { });
        using var source = CachedImageSource.Classification(cache, new int[cache.Count], ["a", "b"], options.ImagePixelScale);

        var expected = ml.Transforms.LoadImages("Image", null, nameof(Row.Path)).Append(ml.Transforms.ResizeImages("Image", Side, Side))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", ImagePixelExtractingEstimator.ColorBits.Rgb, interleavePixelColors: false, scaleImage: 1f / 255))
            .Fit(data).Transform(data).GetColumn<VBuffer<float>>("Pixels").Select(v => v.DenseValues().ToArray()).ToArray();
        var images = new Tensor(20, 3, Side, Side);
        source.Gather(Enumerable.Range(0, 20).ToArray(), images, new Tensor(20));
        for (int i = 0; i < 20; i++)
        {
            var read = images.Span.Slice(i * shape.Length, shape.Length).ToArray();
            CollectionAssert.AreEqual(expected[i], read, $"image {i}");
            // the class's channel is the brightest plane: plane 0 is red, 1 green, 2 blue
            var means = Enumerable.Range(0, 3).Select(c => read.Skip(c * Side * Side).Take(Side * Side).Average()).ToArray();
            Assert.AreEqual(_test[i].Label, Classes[Array.IndexOf(means, means.Max())], $"image {i}");
        }
    }
}
