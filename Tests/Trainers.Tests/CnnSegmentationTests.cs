using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The segmentation trainer on pictures of colored squares with their masks (<see cref="SquarePictures"/>): 0 background,
/// 1 red, 2 blue. A tiny UNet and two epochs: the plumbing, not accuracy.
/// </summary>
[TestClass]
public sealed class CnnSegmentationTests
{
    internal const string FreshProcessModel = "MLNET_CNN_FRESH_PROCESS_SEGMENTATION_MODEL";
    internal static readonly string[] Classes = ["background", "red", "blue"];

    internal static CnnSegmentationOptions Options() => new()
    {
        LabelColumnName = "Mask", Height = 32, Width = 32, Epochs = 2, BatchSize = 8, LearningRate = 3e-3f, ClassNames = Classes,
        Backbone = (c, _, _) => DetectionBackbones.Small(c, width: 4, stages: 2),
    };

    internal static IEstimator<ITransformer> Prefix(MLContext ml) => ml.Transforms.LoadImages("Image", null, "ImagePath");

    private static (MLContext Ml, ITransformer Model, IDataView Test, List<SquarePictures.Row> TestRows) Train(string directory, bool fixedSize = true)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SquarePictures.Write(24, 1, directory, fixedSize));
        var model = Prefix(ml).Append(ml.MulticlassClassification.Trainers.CnnSegmentation(Options())).Fit(train);
        var rows = SquarePictures.Write(6, 2, directory, fixedSize: true);
        return (ml, model, ml.Data.LoadFromEnumerable(rows), rows);
    }

    private static T InTemporaryFolder<T>(Func<string, T> test)
    {
        var directory = Directory.CreateTempSubdirectory("cnn-segmentation-").FullName;
        try { return test(directory); }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [TestMethod]
    public void WritesAKeyPerPixelAndTheClassProbabilitiesAsTheCoreNetworkDoes() => InTemporaryFolder(directory =>
    {
        var (ml, model, test, _) = Train(directory, fixedSize: false);
        var scored = model.Transform(test);
        var predicted = scored.Schema["PredictedLabel"];
        // MapValue gives a vector of unknown size; each row has Height·Width keys
        Assert.AreEqual(3ul, ((KeyDataViewType)((VectorDataViewType)predicted.Type).ItemType).Count);
        VBuffer<ReadOnlyMemory<char>> names = default;
        predicted.GetKeyValues(ref names);
        CollectionAssert.AreEqual(Classes, names.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.AreEqual(3 * 32 * 32, ((VectorDataViewType)scored.Schema["Score"].Type).Size);

        var network = CnnPredictionTransformer.Find(model)!.Model.Network;
        var pixels = ChainPixels.Of(model, test);
        var keys = scored.GetColumn<uint[]>("PredictedLabel").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        for (int row = 0; row < pixels.Length; row++)
        {
            Assert.AreEqual(32 * 32, keys[row].Length);
            var logits = network.Forward(Tensor.FromArray(pixels[row], 1, 3, 32, 32), training: false).ToArray();
            for (int p = 0; p < 32 * 32; p += 37)
            {
                var z = Enumerable.Range(0, 3).Select(c => logits[c * 32 * 32 + p]).ToArray();
                Assert.AreEqual((uint)Array.IndexOf(z, z.Max()) + 1, keys[row][p], $"row {row}, pixel {p}");
                double sum = z.Sum(v => Math.Exp(v - z.Max()));
                Assert.AreEqual(Math.Exp(z[0] - z.Max()) / sum, scores[row][p], 1e-5, $"row {row}, pixel {p}");
            }
        }
        var metrics = ml.MulticlassClassification.EvaluateCnnSegmentation(scored, "Mask");
        Assert.IsTrue(metrics.Metrics.PixelAccuracy is > 0 and <= 1, $"{metrics.Metrics}");
        CollectionAssert.AreEqual(Classes, metrics.ClassNames.ToArray());
        return 0;
    });

    /// <summary>Saves here; <see cref="SegmentationModelInAFreshProcess"/> loads in a fresh test host and must give the same keys and scores.</summary>
    [TestMethod]
    public void SaveThenLoadInAFreshProcessGivesIdenticalPredictions() => InTemporaryFolder(directory =>
    {
        var (ml, model, test, _) = Train(directory);
        var path = Path.Combine(directory, "model.zip");
        ml.Model.Save(model, test.Schema, path);
        var output = FreshProcess.RunTest(typeof(SegmentationModelInAFreshProcess), nameof(SegmentationModelInAFreshProcess.LoadsAndSegments), FreshProcessModel, path);
        CollectionAssert.AreEqual(SegmentationModelInAFreshProcess.Describe(model.Transform(test)), File.ReadAllLines(path + ".predictions"), output);
        return 0;
    });

    [TestMethod]
    public void AKeyMaskNamesTheClassesAndIgnoresItsMissingKey() => InTemporaryFolder(directory =>
    {
        var ml = new MLContext(seed: 1);
        var rows = SquarePictures.Write(8, 1, directory, fixedSize: true).Select(r => new NamedMask
        {
            ImagePath = r.ImagePath,
            // the top row's pixels have no value the key mapping knows: key 0, ignored
            Mask = r.Mask.Select((m, i) => i < 32 ? "unlabelled" : Classes[m]).ToArray(),
        }).ToList();
        var terms = ml.Data.LoadFromEnumerable(Classes.Select(c => new { Term = c }));
        var pipeline = Prefix(ml).Append(ml.Transforms.Conversion.MapValueToKey("Mask", keyData: terms))
            .Append(ml.MulticlassClassification.Trainers.CnnSegmentation(Options() with { ClassNames = null, Epochs = 1 }));
        var scored = pipeline.Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref names);
        CollectionAssert.AreEqual(Classes, names.DenseValues().Select(n => n.ToString()).ToArray());
        var metrics = ml.MulticlassClassification.EvaluateCnnSegmentation(scored, "Mask");
        Assert.IsTrue(metrics.Metrics.PixelAccuracy is > 0 and <= 1, $"{metrics.Metrics}");
        return 0;
    });

    public sealed class NamedMask
    {
        public string ImagePath { get; set; } = "";
        public string[] Mask { get; set; } = [];
    }

    [TestMethod]
    public void PerfectMasksScoreOneAndWrongPixelsCountOnce()
    {
        var ml = new MLContext(seed: 1);
        var terms = ml.Data.LoadFromEnumerable(Classes.Select(c => new { Term = c }));
        var rows = new[]
        {
            new Evaluated { Mask = [0, 0, 1, 2], PredictedLabel = ["background", "background", "red", "blue"] },
            new Evaluated { Mask = [0, 255, 1, 1], PredictedLabel = ["background", "blue", "red", "background"] },
        };
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = ml.Transforms.Conversion.MapValueToKey("PredictedLabel", keyData: terms).Fit(data).Transform(data);
        var metrics = ml.MulticlassClassification.EvaluateCnnSegmentation(scored, "Mask").Metrics;
        // 7 counted pixels (255 ignored), 6 right; IoU background 3/4, red 2/3, blue 1/1
        Assert.AreEqual(6.0 / 7, metrics.PixelAccuracy, 1e-12);
        Assert.AreEqual((0.75 + 2.0 / 3 + 1) / 3, metrics.MeanIoU, 1e-12);

        var perfect = ml.Data.LoadFromEnumerable(new[] { new Evaluated { Mask = [0, 1, 2, 255], PredictedLabel = ["background", "red", "blue", "red"] } });
        var one = ml.MulticlassClassification.EvaluateCnnSegmentation(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", keyData: terms).Fit(perfect).Transform(perfect), "Mask");
        Assert.AreEqual(1, one.Metrics.MeanIoU, 1e-12);
        Assert.AreEqual(1, one.Metrics.PixelAccuracy, 1e-12);
    }

    public sealed class Evaluated
    {
        public byte[] Mask { get; set; } = [];
        public string[] PredictedLabel { get; set; } = [];
    }

    [TestMethod]
    public void AMaskOfAnotherSizeThanItsImageIsRefusedWithItsRow()
    {
        var e = Refusal(rows => rows[2].Mask = rows[2].Mask[..100]);
        StringAssert.Contains(e.Message, "Row 2");
        StringAssert.Contains(e.Message, "'Mask' has 100 values");
        StringAssert.Contains(e.Message, "32×32 = 1024 pixels");
    }

    [TestMethod]
    public void AClassOutsideTheNamedOnesIsRefused()
    {
        var e = Refusal(rows => rows[1].Mask[5] = 7);
        StringAssert.Contains(e.Message, "Row 1");
        StringAssert.Contains(e.Message, "class 7");
        StringAssert.Contains(e.Message, "0 … 2");
    }

    [TestMethod]
    public void MissingAndMistypedColumnsAndNoRowsAreRefused()
    {
        StringAssert.Contains(Refusal(_ => { }, Options() with { LabelColumnName = "Masks" }).Message, "'Masks'");
        StringAssert.Contains(Refusal(_ => { }, Options() with { LabelColumnName = "BoundingBoxes" }).Message, "expected a vector of one class per pixel");
        StringAssert.Contains(Refusal(rows => rows.Clear()).Message, "no rows");
    }

    private static Exception Refusal(Action<List<SquarePictures.Row>> change, CnnSegmentationOptions? options = null) => InTemporaryFolder(directory =>
    {
        var rows = SquarePictures.Write(4, 3, directory, fixedSize: true);
        change(rows);
        var ml = new MLContext(seed: 1);
        var pipeline = Prefix(ml).Append(ml.MulticlassClassification.Trainers.CnnSegmentation((options ?? Options()) with { Epochs = 1 }));
        return Assert.Throws<Exception>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
    });
}
