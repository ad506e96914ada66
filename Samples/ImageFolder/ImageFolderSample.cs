using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.ImageFolder;

public sealed record ImageFolderResult(double MicroAccuracy, double MacroAccuracy, double LogLoss, int TrainImages, int TestImages, string ModelPath);

/// <summary>
/// Trains a CNN classifier on an image folder the way Model Builder's image classification does it: one subfolder per
/// label, 80/20 train/test split, LoadImages → ResizeImages → ExtractPixels → CNN trainer → MapKeyToValue; then
/// evaluates, saves the model, reloads it and predicts a few images.
/// </summary>
internal static class ImageFolderSample
{
    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    public static ImageFolderResult Run(string imageFolder, SampleOptions options, TextWriter output)
    {
        var ml = new MLContext(seed: options.Seed);
        var images = LabelledImages.From(imageFolder);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(images), testFraction: 0.2, seed: options.Seed);
        int trainCount = (int)split.TrainSet.GetColumn<string>(nameof(LabelledImage.Label)).Count();
        int testCount = images.Count - trainCount;
        output.WriteLine($"{images.Count} images of {images.Select(i => i.Label).Distinct().Count()} labels in '{imageFolder}': {trainCount} to train, {testCount} to test");

        var pipeline = Pipeline(ml, options, output);
        var model = pipeline.Fit(split.TrainSet);

        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var cnn = CnnPredictionTransformer.Find(model)!;
        MulticlassReport.Print(metrics, cnn.Model.ClassNames, output);

        ml.Model.Save(model, split.TrainSet.Schema, options.ModelPath);
        output.WriteLine($"saved the model to {options.ModelPath} ({new FileInfo(options.ModelPath).Length / 1024.0:F0} KiB); reloading it to predict:");
        var engine = ml.Model.CreatePredictionEngine<LabelledImage, Prediction>(ml.Model.Load(options.ModelPath, out _));
        foreach (var image in images.Where((_, i) => i % Math.Max(1, images.Count / 5) == 0).Take(5))
        {
            var prediction = engine.Predict(image);
            output.WriteLine($"  {Path.GetFileName(image.ImagePath),-16} label {image.Label,-12} predicted {prediction.PredictedLabel,-12} p = {prediction.Score.Max():F3}");
        }
        return new ImageFolderResult(metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, trainCount, testCount, options.ModelPath);
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, SampleOptions o, TextWriter output)
    {
        var colors = o.Channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb;
        IEstimator<ITransformer> images = ml.Transforms.LoadImages("Image", imageFolder: null, nameof(LabelledImage.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", o.Size, o.Size));
        if (o.Channels == 1) images = images.Append(ml.Transforms.ConvertToGrayscale("Image"));
        return ml.Transforms.Conversion.MapValueToKey(nameof(LabelledImage.Label))
            .Append(images)
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colors, interleavePixelColors: false, scaleImage: 1f / 255))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                Channels = o.Channels, Height = o.Size, Width = o.Size, Epochs = o.Epochs, BatchSize = 32, Seed = o.Seed,
                LearningRate = 2e-3f, ValidationFraction = 0.1, EarlyStoppingPatience = 4,
                Progress = new ProgressLines(output, epochsOnly: true),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }
}
