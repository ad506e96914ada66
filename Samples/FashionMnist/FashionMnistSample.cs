using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Samples.FashionMnist;

public sealed record FashionMnistResult(double MicroAccuracy, double MacroAccuracy, double LogLoss, double Seconds, string OutputDirectory);

/// <summary>
/// Fashion-MNIST through an ML.NET pipeline: pixel vectors and label names in an IDataView → MapValueToKey → the CNN
/// trainer → MapKeyToValue; ML.NET's evaluator, a per-class table, the confusion matrix (printed and as PNG), training
/// curves (PNG), the model saved, reloaded and asked about a few test images, and the network written for deployment
/// (core model file, ONNX, int8 ONNX).
/// </summary>
internal static class FashionMnistSample
{
    public sealed class FashionImage
    {
        [VectorType(28 * 28)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class ClassName
    {
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    public static FashionMnistResult Run(SampleOptions options, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var trainImages = Data.FashionMnist.LoadTrain(options.DataDirectory);
        var train = Rows(trainImages, options.TrainCount);
        var testImages = First(Data.FashionMnist.LoadTest(options.DataDirectory), options.TestCount);
        var test = Rows(testImages, null);
        output.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images ({clock.Elapsed.TotalSeconds:F1} s)");

        var ml = new MLContext(seed: options.Seed);
        var trainView = ml.Data.LoadFromEnumerable(train);
        var testView = ml.Data.LoadFromEnumerable(test);
        // Keys in the dataset's class order (T-shirt/top = 1 … Ankle boot = 10), not in order of first occurrence.
        var classOrder = ml.Data.LoadFromEnumerable(Data.FashionMnist.ClassNames.Select(name => new ClassName { Label = name }));
        var progress = new TrainingProgressBar(output);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(FashionImage.Label), keyData: classOrder)
            .Append(ml.MulticlassClassification.Trainers.Cnn(TrainerOptions(options, progress)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        TransformerChain<KeyToValueMappingTransformer> model;
        using (progress) model = pipeline.Fit(trainView);
        var cnn = CnnPredictionTransformer.Find(model)!;
        output.WriteLine($"training: {cnn.Training.StopReason}, {cnn.Training.Duration.TotalSeconds:F0} s, {cnn.Training.ImagesPerSecond:F0} images/s");

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
        MulticlassReport.Print(metrics, cnn.Model.ClassNames, output);

        var directory = Directory.CreateDirectory(options.OutputDirectory).FullName;
        TrainingCurves.Save(cnn.Training.Epochs, Path.Combine(directory, "training-curves.png"));
        ConfusionMatrixChart.Save(metrics.ConfusionMatrix.Counts, cnn.Model.ClassNames, Path.Combine(directory, "confusion-matrix.png"),
            title: "Confusion matrix (test set)");
        string modelPath = Path.Combine(directory, "fashion-mnist-cnn.zip");
        ml.Model.Save(model, trainView.Schema, modelPath);
        output.WriteLine($"wrote {modelPath} ({new FileInfo(modelPath).Length / 1024.0:F0} KiB), training-curves.png and confusion-matrix.png in {directory}");
        DeploymentFiles.Write(cnn.Model, trainImages, directory, output);
        LearnedPictures.Write(cnn.Model, testImages, directory, output);

        var engine = ml.Model.CreatePredictionEngine<FashionImage, Prediction>(ml.Model.Load(modelPath, out _));
        output.WriteLine("the reloaded model on the first test images:");
        foreach (var image in test.Take(5))
        {
            var prediction = engine.Predict(image);
            output.WriteLine($"  {image.Label,-12} → {prediction.PredictedLabel,-12} (p = {prediction.Score.Max():F3})");
        }
        return new FashionMnistResult(metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, clock.Elapsed.TotalSeconds, directory);
    }

    /// <summary>Pixels of zero padding around the image for random crops in training and for ten-crop at scoring.</summary>
    private const int AugmentPadding = 2;

    /// <summary>SmallVgg (16-32) and its recipe: AdamW, one-cycle to 3e-3, label smoothing 0.1 (docs/performance.md: how they were chosen).</summary>
    private static CnnMulticlassOptions TrainerOptions(SampleOptions o, TrainingProgressBar progress) => new()
    {
        Channels = 1, Height = 28, Width = 28, Epochs = o.Epochs, BatchSize = 64, Seed = o.Seed,
        Network = (c, h, w, k) => SmallVgg.Build(c, h, w, k, seed: o.Seed),
        Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 0.05f },
        Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
        Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
        ValidationFraction = o.ValidationFraction,
        Augmentation = o.Augment ? new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: AugmentPadding)) : null,
        TenCropPadding = o.TenCrop ? AugmentPadding : null,
        TimeLimit = o.Minutes is { } m ? TimeSpan.FromMinutes(m) : null,
        Progress = progress, ProgressInterval = progress.Interval(200),
    };

    private static ImageDataset First(ImageDataset data, int? count) =>
        count is { } n && n < data.Count ? data.Subset([.. Enumerable.Range(0, n)]) : data;

    private static List<FashionImage> Rows(ImageDataset data, int? count) =>
        Enumerable.Range(0, Math.Min(count ?? data.Count, data.Count))
            .Select(i => new FashionImage { Features = data.Pixels(i).ToArray(), Label = data.ClassNames[data.Labels[i]] }).ToList();
}
