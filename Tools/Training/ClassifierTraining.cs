using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Samples;
using MLNet.Cnn.Tool.Data;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Training;

/// <summary>What training gave: the fitted pipeline with the schema it was fitted on, the trained CNN, the data and the validation metrics.</summary>
internal sealed record TrainedClassifier(ITransformer Model, DataViewSchema InputSchema, CnnPredictionTransformer Cnn,
    ImageFolderSummary Data, MulticlassClassificationMetrics Validation, TimeSpan Duration)
{
    /// <summary>Saves the ML.NET model (the whole pipeline) as a zip that <c>mlContext.Model.Load</c> reads.</summary>
    public void Save(string path) => new MLContext().Model.Save(Model, InputSchema, path);
}

/// <summary>
/// The Model Builder flow of <c>train</c>: an image folder → <c>LoadFromImageFolder</c> (split per label) → the files'
/// bytes (<c>LoadRawImageBytes</c> into Model Builder's <c>ImageSource</c>, before the pipeline, so that the saved model takes
/// bytes, as a web service is sent them) → <c>MapValueToKey("Label")</c> → the CNN trainer (it decodes, resizes and
/// scales the images itself; validates on the held-out images after every epoch, stops early) → <c>MapKeyToValue("PredictedLabel")</c>;
/// then ML.NET's metrics on the held-out images.
/// </summary>
internal static class ClassifierTraining
{
    public static TrainedClassifier Run(TrainingSettings settings, TextWriter output)
    {
        var architecture = Architectures.Named(settings.Architecture);
        Architectures.CheckSize(architecture, settings.Channels, settings.Size);
        var ml = new MLContext(seed: settings.Seed);
        var data = ImageFolderInput.Load(ml, settings.Images, settings.ValidationFraction, settings.Seed);
        data.Summary.Print(output, listedFiles: 5);
        var heldOut = data.Validation ?? throw new BadInputException(
            $"The image folder '{data.Summary.Folder}' has no label with two images, so none can be held out to validate; expected at least two images per label.");

        var readBytes = ml.Transforms.LoadRawImageBytes(SavedClassifier.ImageRow.BytesColumn, imageFolder: null, ImageFolderData.ImagePathColumnName).Fit(data.Train);
        var (train, validation) = (readBytes.Transform(data.Train), readBytes.Transform(heldOut));
        var labels = ml.Transforms.Conversion.MapValueToKey(ImageFolderData.LabelColumnName);
        var progress = new TrainingProgressBar(output, epochsOnly: true);
        var pipeline = labels
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
            {
                FeatureColumnName = SavedClassifier.ImageRow.BytesColumn,
                Channels = settings.Channels, Height = settings.Size, Width = settings.Size,
                Network = architecture.Build,
                Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed, LearningRate = TrainingSettings.LearningRate,
                // the trainer's validation rows go through the pipeline's earlier steps first: here the label mapping
                ValidationSet = labels.Fit(train).Transform(validation),
                EarlyStoppingPatience = TrainingSettings.EarlyStoppingPatience,
                // a progress bar at a terminal, else one line per epoch; written on the training thread, so in order
                Progress = progress, ProgressInterval = progress.Interval(50),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        output.WriteLine($"Training {architecture.Name} on {settings.Channels}×{settings.Size}×{settings.Size} images for up to {settings.Epochs} epochs:");
        var clock = Stopwatch.StartNew();
        ITransformer model;
        using (progress) model = pipeline.Fit(train);
        var duration = clock.Elapsed;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation));
        return new TrainedClassifier(model, train.Schema, CnnPredictionTransformer.Find(model)!, data.Summary, metrics, duration);
    }
}
