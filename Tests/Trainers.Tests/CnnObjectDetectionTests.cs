using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The object detector as an ML.NET trainer on pictures of colored squares (<see cref="SquarePictures"/>): a tiny
/// network and two epochs — these tests check the plumbing (columns, scaling, save/load, errors), not accuracy.
/// </summary>
[TestClass]
public sealed class CnnObjectDetectionTests
{
    internal const string FreshProcessModel = "MLNET_CNN_FRESH_PROCESS_DETECTION_MODEL";

    internal static CnnObjectDetectionOptions Options() => new()
    {
        Height = 32, Width = 32, Stride = 8, AnchorCount = 2, Epochs = 2, BatchSize = 16, LearningRate = 3e-3f,
        Backbone = (c, _, _) => DetectionBackbones.Small(c, width: 4, stages: 3),
        Decoding = new YoloDecodeOptions(ScoreThreshold: 0.01f, MaxDetections: 10),
    };

    /// <summary>LoadImages and MapValueToKey, the steps an ML.NET user writes before the detector.</summary>
    internal static IEstimator<ITransformer> Prefix(MLContext ml) =>
        ml.Transforms.LoadImages("Image", null, "ImagePath").Append(ml.Transforms.Conversion.MapValueToKey("Label"));

    private sealed class Trained(MLContext ml, ITransformer model, IDataView test, string directory) : IDisposable
    {
        public MLContext Ml => ml;
        public ITransformer Model => model;
        public IDataView Test => test;
        public IDataView Scored => model.Transform(test);
        public void Dispose() => Directory.Delete(directory, recursive: true);
    }

    private static Trained Train()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-detection-").FullName;
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SquarePictures.Write(48, 1, directory));
        var model = Prefix(ml).Append(ml.MulticlassClassification.Trainers.CnnObjectDetection(Options())).Fit(train);
        return new Trained(ml, model, ml.Data.LoadFromEnumerable(SquarePictures.Write(12, 2, directory)), directory);
    }

    [TestMethod]
    public void WritesMLNetsDetectionColumnsInTheImagesPixels()
    {
        using var trained = Train();
        var scored = trained.Scored;
        var predicted = scored.Schema["PredictedLabel"];
        var keyType = (KeyDataViewType)((VectorDataViewType)predicted.Type).ItemType;
        Assert.AreEqual(2ul, keyType.Count);
        VBuffer<ReadOnlyMemory<char>> names = default, labelNames = default;
        predicted.GetKeyValues(ref names);
        scored.Schema["Label"].GetKeyValues(ref labelNames);
        CollectionAssert.AreEqual(labelNames.DenseValues().Select(n => n.ToString()).ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.AreEqual(NumberDataViewType.Single, ((VectorDataViewType)scored.Schema["PredictedBoundingBoxes"].Type).ItemType);
        Assert.AreEqual(NumberDataViewType.Single, ((VectorDataViewType)scored.Schema["Score"].Type).ItemType);
        Assert.IsNull(scored.Schema.GetColumnOrNull(DetectionMapping.ScoresColumnName), "the internal columns are dropped");

        var labels = scored.GetColumn<uint[]>("PredictedLabel").ToArray();
        var boxes = scored.GetColumn<float[]>("PredictedBoundingBoxes").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        int detections = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            var s = scores[row];
            Assert.AreEqual(s.Length, labels[row].Length, $"row {row}");
            Assert.AreEqual(4 * s.Length, boxes[row].Length, $"row {row}");
            Assert.IsTrue(s.Length <= 10, "at most MaxDetections");
            CollectionAssert.AreEqual(s.OrderByDescending(v => v).ToArray(), s, "by descending score");
            Assert.IsTrue(labels[row].All(k => k is 1 or 2));
            detections += s.Length;
        }
        Assert.IsTrue(detections > 0, "a low threshold lets detections through");

        var metrics = trained.Ml.MulticlassClassification.EvaluateCnnObjectDetection(scored);
        Assert.AreEqual(2, metrics.Voc.PerClassAveragePrecision.Count);
        Assert.IsTrue(metrics.Coco.AveragePrecision is >= 0 and <= 1, $"{metrics.Coco}");
    }

    [TestMethod]
    public void PredictionsAreTheCoreDecodersScaledToEachImage()
    {
        using var trained = Train();
        var detector = CnnPredictionTransformer.Find(trained.Model)!;
        var rows = trained.Ml.Data.CreateEnumerable<SquarePictures.Row>(trained.Test, reuseRowObject: false).ToArray();
        // GetColumn<VBuffer<T>> reuses one buffer from row to row: arrays are copies.
        var pixels = ChainPixels.Of(trained.Model, trained.Test);
        var boxes = trained.Scored.GetColumn<float[]>("PredictedBoundingBoxes").ToArray();
        var scores = trained.Scored.GetColumn<float[]>("Score").ToArray();
        var head = detector.DetectionHead!;
        var decoding = Options().Decoding;
        for (int row = 0; row < rows.Length; row++)
        {
            var output = detector.Model.Network.Forward(Tensor.FromArray(pixels[row], 1, 3, 32, 32), training: false);
            var expected = YoloDecoder.Decode(head, output, decoding)[0];
            var s = scores[row];
            var b = boxes[row];
            Assert.AreEqual(expected.Count, s.Length, $"row {row}");
            float sx = rows[row].Width / 32f, sy = rows[row].Height / 32f;
            for (int d = 0; d < s.Length; d++)
            {
                Assert.AreEqual(expected[d].Score, s[d], 1e-5, $"row {row}, detection {d}");
                Assert.AreEqual(expected[d].X0 * sx, b[4 * d], 1e-3, $"row {row}, detection {d}");
                Assert.AreEqual(expected[d].Y1 * sy, b[4 * d + 3], 1e-3, $"row {row}, detection {d}");
            }
        }
    }

    public sealed class Detections
    {
        public uint[] PredictedLabel { get; set; } = [];
        public float[] PredictedBoundingBoxes { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void APredictionEngineGivesTheDetectionsOfTransform()
    {
        using var trained = Train();
        var rows = trained.Ml.Data.CreateEnumerable<SquarePictures.Row>(trained.Test, reuseRowObject: false).ToArray();
        var engine = trained.Ml.Model.CreatePredictionEngine<SquarePictures.Row, Detections>(trained.Model);
        var scores = trained.Scored.GetColumn<float[]>("Score").ToArray();
        var boxes = trained.Scored.GetColumn<float[]>("PredictedBoundingBoxes").ToArray();
        for (int row = 0; row < rows.Length; row++)
        {
            var prediction = engine.Predict(rows[row]);
            CollectionAssert.AreEqual(scores[row], prediction.Score, $"row {row}");
            CollectionAssert.AreEqual(boxes[row], prediction.PredictedBoundingBoxes, $"row {row}");
            Assert.AreEqual(scores[row].Length, prediction.PredictedLabel.Length);
        }
    }

    [TestMethod]
    public void ASingleClassIsEnoughTheBackgroundBeingTheObjectness()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-detection-one-").FullName;
        try
        {
            var ml = new MLContext(seed: 1);
            var rows = SquarePictures.Write(16, 1, directory);
            rows.ForEach(r => r.Label = r.Label.Select(_ => "square").ToArray());
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = Prefix(ml).Append(ml.MulticlassClassification.Trainers.CnnObjectDetection(Options() with { Epochs = 1 })).Fit(data);
            Assert.AreEqual(1, CnnPredictionTransformer.Find(model)!.DetectionHead!.ClassCount);
            var keys = model.Transform(data).GetColumn<uint[]>("PredictedLabel").SelectMany(k => k).ToArray();
            Assert.IsTrue(keys.Length > 0 && keys.All(k => k == 1));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [TestMethod]
    public void AValidationSetIsReadWithTheTrainingClassesAndValidatesEveryEpoch()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-detection-validation-").FullName;
        try
        {
            var ml = new MLContext(seed: 1);
            var validationRows = SquarePictures.Write(6, 5, directory);
            validationRows.ForEach(r => r.Label = r.Label.Select(_ => "blue").ToArray());   // its own key mapping: "blue" is key 1 there
            var validation = ml.Data.LoadFromEnumerable(validationRows);
            var options = Options() with { ValidationSet = Prefix(ml).Fit(validation).Transform(validation) };
            var model = Prefix(ml).Append(ml.MulticlassClassification.Trainers.CnnObjectDetection(options)).Fit(ml.Data.LoadFromEnumerable(SquarePictures.Write(16, 1, directory)));
            var epochs = CnnPredictionTransformer.Find(model)!.Training.Epochs;
            Assert.AreEqual(2, epochs.Count);
            Assert.IsTrue(epochs.All(e => e.ValidationLoss is > 0), string.Join("; ", epochs));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [TestMethod]
    public void TheExportedNetworkRunsInOnnxRuntimeAsTheCore()
    {
        using var trained = Train();
        var model = CnnPredictionTransformer.Find(trained.Model)!.Model;
        var input = Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 32 * 32).Select(i => (float)((i * 7919) % 255) / 255).ToArray(), 2, 3, 32, 32);
        var expected = model.Network.Forward(input, training: false).ToArray();
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        using var value = OrtValue.CreateTensorValueFromMemory(input.ToArray(), [2, 3, 32, 32]);
        using var options = new RunOptions();
        using var results = session.Run(options, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-4 + 1e-4 * Math.Abs(expected[i]), $"value {i}");
    }

    /// <summary>
    /// Saves here; <see cref="DetectionModelInAFreshProcess"/> loads in a fresh test host (nothing of ours loaded, nothing
    /// registered: ML.NET finds the NMS mapping in our assembly) and must give the same detections.
    /// </summary>
    [TestMethod]
    public void SaveThenLoadInAFreshProcessGivesIdenticalDetections()
    {
        using var trained = Train();
        var directory = Directory.CreateTempSubdirectory("cnn-detection-model-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.zip");
            trained.Ml.Model.Save(trained.Model, trained.Test.Schema, path);
            // the child writes the same test pictures (same seed) into a folder of its own
            var output = FreshProcess.RunTest(typeof(DetectionModelInAFreshProcess), nameof(DetectionModelInAFreshProcess.LoadsAndDetects), FreshProcessModel, path);
            var expected = DetectionModelInAFreshProcess.Describe(trained.Scored);
            CollectionAssert.AreEqual(expected, File.ReadAllLines(path + ".detections"), output);
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void GetOutputSchemaNamesTheOutputColumnsAndRefusesMissingOnes()
    {
        var ml = new MLContext(seed: 1);
        var directory = Directory.CreateTempSubdirectory("cnn-detection-schema-").FullName;
        try
        {
            var data = ml.Data.LoadFromEnumerable(SquarePictures.Write(2, 1, directory));
            var input = SchemaShapes.Of(Prefix(ml).Fit(data).GetOutputSchema(data.Schema));
            var shape = ml.MulticlassClassification.Trainers.CnnObjectDetection(Options()).GetOutputSchema(input);
            foreach (var name in new[] { "PredictedLabel", "PredictedBoundingBoxes", "Score" })
                Assert.IsTrue(shape.Any(c => c.Name == name), name);
            var e = Assert.ThrowsExactly<ArgumentException>(() =>
                ml.MulticlassClassification.Trainers.CnnObjectDetection(Options() with { BoundingBoxColumnName = "Boxes" }).GetOutputSchema(input));
            StringAssert.Contains(e.Message, "'Boxes'");
            StringAssert.Contains(e.Message, "not in the data");
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}
