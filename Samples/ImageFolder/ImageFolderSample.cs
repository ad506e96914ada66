using Microsoft.ML;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Samples.ImageFolder;

public sealed record ImageFolderResult(double MicroAccuracy, double MacroAccuracy, double LogLoss, int TrainImages, int TestImages, string ModelPath);

/// <summary>
/// Trains a CNN classifier on an image folder the way Model Builder's image classification does it: one subfolder per
/// label (<c>LoadFromImageFolder</c>, whose summary is printed first), 80/20 split per label, MapValueToKey → LoadImages →
/// CNN trainer (which resizes and extracts the pixels itself) → MapKeyToValue; then evaluates on the held-out 20 %, saves
/// the model, reloads it and predicts a few images. The network is ResNetSmall (16-32-64, one basic block per stage):
/// batch norm and residual connections train from scratch on a few hundred images, and its global average pooling
/// makes it take any <c>--size</c>. With <c>--input bytes</c> the files' bytes are read before the pipeline
/// (<c>LoadRawImageBytes</c> into Model Builder's <c>ImageSource</c>), so the saved model takes image bytes instead of paths:
/// the model <c>Samples/WebApi</c> serves.
/// </summary>
internal static class ImageFolderSample
{
    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    /// <summary>A test row as the saved model takes it: the label, the path (a path model reads the file) and the bytes (a bytes model decodes them).</summary>
    public sealed class ImageRow
    {
        public string Label { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }

    /// <summary>The column of the image files' bytes with <c>--input bytes</c>, named as Model Builder's input class names it.</summary>
    public const string BytesColumnName = "ImageSource";

    public static ImageFolderResult Run(string imageFolder, SampleOptions options, TextWriter output)
    {
        var ml = new MLContext(seed: options.Seed);
        var data = ml.Data.LoadFromImageFolder(imageFolder, new ImageFolderOptions { ValidationFraction = 0.2, Seed = options.Seed });
        data.Summary.Print(output, listedFiles: 5);
        var test = data.Validation
            ?? throw new ArgumentException($"The image folder '{imageFolder}' has no label with two images; the sample needs some to test on.");
        var train = data.Train;
        if (options.ImageBytes)
        {
            // read the files' bytes before the pipeline, so that the saved model takes bytes (what a web service is sent)
            var readBytes = ml.Transforms.LoadRawImageBytes(BytesColumnName, imageFolder: null, ImageFolderData.ImagePathColumnName).Fit(train);
            (train, test) = (readBytes.Transform(train), readBytes.Transform(test));
        }

        var progress = new TrainingProgressBar(output, epochsOnly: true);
        ITransformer model;
        using (progress) model = Pipeline(ml, options, progress).Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        MulticlassReport.Print(metrics, CnnPredictionTransformer.Find(model)!.Model.ClassNames, output);

        ml.Model.Save(model, train.Schema, options.ModelPath);
        output.WriteLine($"saved the model to {options.ModelPath} ({new FileInfo(options.ModelPath).Length / 1024.0:F0} KiB, input: image {(options.ImageBytes ? $"bytes in '{BytesColumnName}'" : $"paths in '{ImageFolderData.ImagePathColumnName}'")}); reloading it to predict:");
        var engine = ml.Model.CreatePredictionEngine<ImageRow, Prediction>(ml.Model.Load(options.ModelPath, out _));
        int every = Math.Max(1, data.Summary.ValidationImages / 5);
        foreach (var image in ml.Data.CreateEnumerable<ImageRow>(test, reuseRowObject: false, ignoreMissingColumns: true).Where((_, i) => i % every == 0).Take(5))
        {
            var prediction = engine.Predict(image);
            output.WriteLine($"  {Path.GetFileName(image.ImagePath),-16} label {image.Label,-12} predicted {prediction.PredictedLabel,-12} p = {prediction.Score.Max():F3}");
        }
        return new ImageFolderResult(metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss,
            data.Summary.TrainImages, data.Summary.ValidationImages, options.ModelPath);
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, SampleOptions o, TrainingProgressBar progress)
    {
        IEstimator<ITransformer> labels = ml.Transforms.Conversion.MapValueToKey(ImageFolderData.LabelColumnName);
        // a path model loads the files itself; a bytes model is given them (Run reads them before the pipeline)
        var input = o.ImageBytes ? labels : labels.Append(ml.Transforms.LoadImages("Image", imageFolder: null, ImageFolderData.ImagePathColumnName));
        return input
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                FeatureColumnName = o.ImageBytes ? BytesColumnName : "Image", Channels = o.Channels, Height = o.Size, Width = o.Size,
                Network = (channels, height, width, classes) => ResNetSmall.Build(channels, classes),
                Epochs = o.Epochs, BatchSize = 32, Seed = o.Seed, LearningRate = 2e-3f, ValidationFraction = 0.1, EarlyStoppingPatience = 5,
                Progress = progress, ProgressInterval = progress.Interval(100),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }
}
