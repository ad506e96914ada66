using System.Diagnostics;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Samples.Segmentation;

public sealed record SegmentationResult(SegmentationMetrics Metrics, double Seconds, string OutputDirectory);

/// <summary>
/// Semantic segmentation on generated scenes: a UNet on a small backbone trained from scratch on streamed scenes, mIoU,
/// pixel accuracy and per-class IoU on held-out scenes, and PNGs — held-out scenes beside their true and predicted class
/// maps, and the training loss — with the model file and its ONNX export.
/// </summary>
internal static class SegmentationSample
{
    public const string DefaultOutput = "segmentation-output";

    /// <summary>The command line to an exit code: 0 done, 2 bad arguments, 3 Fashion-MNIST missing (see <see cref="SceneSampleOptions"/>).</summary>
    public static int RunCommandLine(string[] args, TextWriter output, TextWriter errors) =>
        SceneSampleOptions.RunCommandLine(args, DefaultOutput, options =>
        {
            var result = Run(options, new SegmentationRecipe(), output);
            output.WriteLine($"RESULT mIoU={result.Metrics.MeanIoU:F4} pixelAccuracy={result.Metrics.PixelAccuracy:F4} seconds={result.Seconds:F0}");
            return 0;
        }, output, errors);

    /// <summary>Held-out scenes drawn in masks.png, each as image | truth | prediction, two scenes a row.</summary>
    private const int PictureScenes = 8, ScenesPerRow = 2, Zoom = 2;

    public static SegmentationResult Run(SceneSampleOptions options, SegmentationRecipe recipe, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        recipe = recipe.With(options);
        var (train, heldOutScenes) = SceneSampleSteps.Generators(options);
        var heldOut = heldOutScenes.GenerateSet(options.TestScenes);
        var trainSource = train.SegmentationSource(recipe.Scenes);
        var classNames = trainSource.Layout.ClassNames;   // "background" and the ten clothes
        output.WriteLine($"scenes {options.Size}×{options.Size}, 1–5 objects: {recipe.Scenes:N0} training scenes per epoch (streamed), " +
                         $"{heldOut.Count:N0} held-out scenes from the test items; {classNames.Count} classes with the background, ignore label {SceneSet.IgnoreLabel}");

        var input = new TensorShape(1, options.Size, options.Size);
        var (backbone, pretraining) = SceneSampleSteps.Backbone(options, recipe.Width, recipe.LearningRate, recipe.WeightDecay, output);
        var network = SegmentationNetworks.UNet(backbone, input, classNames.Count, recipe.Decoder, recipe.DecoderWidth, options.Seed);
        output.WriteLine($"UNet on the small backbone (width {recipe.Width}), {recipe.Decoder} decoder of width {recipe.DecoderWidth}; " +
                         $"{network.AllParameters().Sum(p => p.Value.Length):N0} parameters");

        var progress = new TrainingProgressBar(output);
        var losses = new LossRecorder(progress, recipe.BatchSize, every: SceneSampleSteps.LossPointEvery);
        TrainingResult training;
        using (progress) training = Trainer.Fit(network, trainSource, null, new TrainerOptions
        {
            Epochs = recipe.Epochs, BatchSize = recipe.BatchSize, Seed = options.Seed,
            Optimizer = parameters => new AdamW(parameters, learningRate: recipe.LearningRate) { WeightDecay = recipe.WeightDecay },
            Schedule = plan => new CosineAnnealing(recipe.LearningRate, plan.TotalSteps),
            TimeLimit = SceneSampleSteps.TrainingTime(recipe.Minutes, pretraining),
            Progress = losses, ProgressInterval = progress.Interval(SceneSampleSteps.LossPointEvery),
        });
        output.WriteLine($"training: {training.StopReason}, {training.Duration.TotalSeconds:F0} s, {training.ImagesPerSecond:F0} images/s");

        var metrics = SegmentationEvaluation.Of(network, heldOut.SegmentationSource());
        Print(metrics, classNames, heldOut.Count, output);

        var directory = Directory.CreateDirectory(options.OutputDirectory).FullName;
        DrawMasks(network, heldOut, classNames, Path.Combine(directory, "masks.png"));
        LossCurve.Save(losses.Points, "UNet training loss (pixel cross-entropy)", Path.Combine(directory, "training-loss.png"));
        output.WriteLine($"wrote masks.png and training-loss.png in {directory}");
        SceneSampleSteps.WriteModel(network, heldOut, classNames, OnnxTaskMetadata.Segmentation(), directory, "segmenter", output);
        return new SegmentationResult(metrics, clock.Elapsed.TotalSeconds, directory);
    }

    private static void Print(SegmentationMetrics metrics, IReadOnlyList<string> classNames, int scenes, TextWriter output)
    {
        string F(double v) => SceneSampleSteps.Figure(v);
        output.WriteLine($"held-out scenes ({scenes:N0}): mIoU {F(metrics.MeanIoU)}   pixel accuracy {F(metrics.PixelAccuracy)}   " +
                         $"mean Dice {F(metrics.MeanDice)}   mean class accuracy {F(metrics.MeanAccuracy)}");
        int width = Math.Max(10, classNames.Max(n => n.Length));
        output.WriteLine($"  {"class".PadRight(width)}     IoU    Dice  accuracy");
        for (int c = 0; c < classNames.Count; c++)
            output.WriteLine($"  {classNames[c].PadRight(width)}  {F(metrics.PerClassIoU[c])}  {F(metrics.PerClassDice[c])}  {F(metrics.PerClassAccuracy[c]),8}");
    }

    /// <summary>The first held-out scenes: the image, its true class map over it, the predicted one (arg-max per pixel) over it.</summary>
    private static void DrawMasks(Layer network, SceneSet scenes, IReadOnlyList<string> classNames, string path)
    {
        int count = Math.Min(PictureScenes, scenes.Count), plane = scenes.Height * scenes.Width;
        var indices = Enumerable.Range(0, count).ToArray();
        var images = new Tensor(count, scenes.Channels, scenes.Height, scenes.Width);
        scenes.GatherImages(indices, images);
        var logits = network.Forward(images, training: false).Span;
        int classes = classNames.Count;
        var pictures = new List<ScenePicture>();
        try
        {
            foreach (int i in indices)
            {
                var scene = scenes[i];
                var predicted = new byte[plane];
                for (int p = 0; p < plane; p++)
                {
                    int best = 0;   // the lowest class on a tie, as SegmentationEvaluation
                    for (int c = 1; c < classes; c++)
                        if (logits[(i * classes + c) * plane + p] > logits[(i * classes + best) * plane + p]) best = c;
                    predicted[p] = (byte)best;
                }
                foreach (var (caption, classMap) in new[] { ("image", (byte[]?)null), ("truth", scene.ClassMap.ToArray()), ("predicted", predicted) })
                {
                    var picture = ScenePicture.FromPlanes(scene.PixelBytes, scene.Channels, scene.Height, scene.Width, Zoom);
                    pictures.Add(picture);
                    if (classMap is not null) picture.OverlayClassMap(classMap, scene.Height, scene.Width, ignoreLabel: SceneSet.IgnoreLabel);
                    picture.Caption(caption);
                }
            }
            ScenePicture.SaveGrid(pictures, 3 * ScenesPerRow, path, classNames.Skip(1).ToArray());
        }
        finally
        {
            foreach (var picture in pictures) picture.Dispose();
        }
    }
}
