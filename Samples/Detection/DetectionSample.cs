using System.Diagnostics;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Samples.Detection;

public sealed record DetectionResult(CocoMetrics Coco, VocMetrics Voc, double Seconds, string OutputDirectory);

/// <summary>
/// Detection on generated scenes: anchors fitted to the training boxes, a YOLO head on a small backbone trained from scratch
/// on streamed scenes, COCO and VOC metrics on held-out scenes, and PNGs — detections over held-out scenes, the
/// precision–recall curve at IoU 0.5 and the training loss — with the model file and its ONNX export.
/// </summary>
internal static class DetectionSample
{
    public const string DefaultOutput = "detection-output";

    /// <summary>The command line to an exit code: 0 done, 2 bad arguments, 3 Fashion-MNIST missing (see <see cref="SceneSampleOptions"/>).</summary>
    public static int RunCommandLine(string[] args, TextWriter output, TextWriter errors) =>
        SceneSampleOptions.RunCommandLine(args, DefaultOutput, options =>
        {
            var result = Run(options, new DetectionRecipe(), output);
            output.WriteLine($"RESULT mAP={result.Coco.AveragePrecision:F4} mAP50={result.Voc.MeanAveragePrecision:F4} seconds={result.Seconds:F0}");
            return 0;
        }, output, errors);

    /// <summary>Held-out scenes drawn in detections.png (4 × 4).</summary>
    private const int PictureScenes = 16, PictureColumns = 4, Zoom = 2;

    public static DetectionResult Run(SceneSampleOptions options, DetectionRecipe recipe, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        recipe = recipe.With(options);
        var (train, heldOutScenes) = SceneSampleSteps.Generators(options);
        var heldOut = heldOutScenes.GenerateSet(options.TestScenes);
        var classNames = train.ClassNames;
        output.WriteLine($"scenes {options.Size}×{options.Size}, 1–5 objects: {recipe.Scenes:N0} training scenes per epoch (streamed), " +
                         $"{heldOut.Count:N0} held-out scenes from the test items ({clock.Elapsed.TotalSeconds:F1} s)");

        var anchors = FitAnchors(train, recipe, options.Seed, output);
        var head = new YoloHead(anchors, classNames.Count, recipe.Stride);
        var input = new TensorShape(1, options.Size, options.Size);
        var (backbone, pretraining) = SceneSampleSteps.Backbone(options, recipe.Width, recipe.LearningRate, recipe.WeightDecay, output);
        var network = YoloNetwork.Build(backbone, input, head, recipe.NeckWidth, options.Seed);
        output.WriteLine($"YOLO head: stride {recipe.Stride} ({options.Size / recipe.Stride}×{options.Size / recipe.Stride} cells), " +
                         $"{head.AnchorCount} anchors, {head.Channels} output channels; backbone width {recipe.Width}, neck {recipe.NeckWidth}; " +
                         $"{network.AllParameters().Sum(p => p.Value.Length):N0} parameters");

        var progress = new TrainingProgressBar(output);
        var losses = new LossRecorder(progress, recipe.BatchSize, every: SceneSampleSteps.LossPointEvery);
        TrainingResult training;
        using (progress) training = Trainer.Fit(network, train.DetectionSource(recipe.Scenes), null, new TrainerOptions
        {
            Epochs = recipe.Epochs, BatchSize = recipe.BatchSize, Seed = options.Seed,
            Optimizer = parameters => new AdamW(parameters, learningRate: recipe.LearningRate) { WeightDecay = recipe.WeightDecay },
            Schedule = plan => new CosineAnnealing(recipe.LearningRate, plan.TotalSteps),
            Loss = new YoloLoss(head, recipe.Loss),
            TimeLimit = SceneSampleSteps.TrainingTime(recipe.Minutes, pretraining),
            Progress = losses, ProgressInterval = progress.Interval(SceneSampleSteps.LossPointEvery),
        });
        output.WriteLine($"training: {training.StopReason}, {training.Duration.TotalSeconds:F0} s, {training.ImagesPerSecond:F0} images/s");

        var evaluation = DetectionEvaluation.Of(network, head, heldOut.DetectionSource(), recipe.Decode);
        Print(evaluation, classNames, heldOut.Count, output);

        var directory = Directory.CreateDirectory(options.OutputDirectory).FullName;
        DrawDetections(heldOut, evaluation, classNames, recipe.DrawScore, Path.Combine(directory, "detections.png"));
        var curves = Enumerable.Range(0, classNames.Count)
            .Select(c => CocoEvaluation.PrecisionCurve(evaluation.Images, classNames.Count, c, iouThreshold: 0.5)).ToArray();
        PrecisionRecallChart.Save(CocoEvaluation.RecallLevels, curves, classNames,
            $"Precision–recall at IoU 0.5, {heldOut.Count:N0} held-out scenes (AP50 {evaluation.Coco.AveragePrecision50:F3})",
            Path.Combine(directory, "precision-recall.png"));
        LossCurve.Save(losses.Points, "YOLO training loss", Path.Combine(directory, "training-loss.png"));
        output.WriteLine($"wrote detections.png, precision-recall.png and training-loss.png in {directory}");
        SceneSampleSteps.WriteModel(network, heldOut, classNames, OnnxTaskMetadata.Detection(head), directory, "detector", output);
        return new DetectionResult(evaluation.Coco, evaluation.Voc, clock.Elapsed.TotalSeconds, directory);
    }

    /// <summary>k-means anchors (1 − IoU) from the boxes of the first training scenes.</summary>
    private static float[] FitAnchors(SceneGenerator train, DetectionRecipe recipe, int seed, TextWriter output)
    {
        var scenes = train.GenerateSet(recipe.AnchorScenes);
        var boxes = Enumerable.Range(0, scenes.Count).SelectMany(scenes.Objects)
            .SelectMany(o => new float[] { o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2 }).ToArray();
        var anchors = AnchorKMeans.Fit(boxes, recipe.Anchors, seed);
        string shapes = string.Join(", ", Enumerable.Range(0, recipe.Anchors).Select(a => $"{anchors[2 * a]:F0}×{anchors[2 * a + 1]:F0}"));
        output.WriteLine($"anchors (k-means on {boxes.Length / 4:N0} training boxes): {shapes}; mean best IoU {AnchorKMeans.MeanBestIou(boxes, anchors):F3}");
        return anchors;
    }

    private static void Print(DetectionEvaluation evaluation, IReadOnlyList<string> classNames, int scenes, TextWriter output)
    {
        var coco = evaluation.Coco;
        string F(double v) => SceneSampleSteps.Figure(v);
        output.WriteLine($"held-out scenes ({scenes:N0}, {evaluation.Images.Sum(i => i.GroundTruth.Count):N0} objects):");
        output.WriteLine($"  COCO AP@[.5:.95] {F(coco.AveragePrecision)}   AP50 {F(coco.AveragePrecision50)}   AP75 {F(coco.AveragePrecision75)}   " +
                         $"AP small {F(coco.AveragePrecisionSmall)}   AP medium {F(coco.AveragePrecisionMedium)}   AR@100 {F(coco.AverageRecall100)}");
        output.WriteLine($"  VOC mAP@0.5 {F(evaluation.Voc.MeanAveragePrecision)}");
        int width = Math.Max(8, classNames.Max(n => n.Length));
        output.WriteLine($"  {"class".PadRight(width)}  AP@[.5:.95]  AP@0.5 (VOC)  objects");
        for (int c = 0; c < classNames.Count; c++)
        {
            int objects = evaluation.Images.Sum(i => i.GroundTruth.Count(g => g.ClassId == c));
            output.WriteLine($"  {classNames[c].PadRight(width)}  {F(coco.PerClassAveragePrecision[c]),11}  {F(evaluation.Voc.PerClassAveragePrecision[c]),12}  {objects,7}");
        }
    }

    /// <summary>The first held-out scenes with their ground truth (dashed) and the detections scoring at least <paramref name="drawScore"/>.</summary>
    private static void DrawDetections(SceneSet scenes, DetectionEvaluation evaluation, IReadOnlyList<string> classNames, float drawScore, string path)
    {
        var pictures = new List<ScenePicture>();
        try
        {
            for (int i = 0; i < Math.Min(PictureScenes, scenes.Count); i++)
            {
                var scene = scenes[i];
                var picture = ScenePicture.FromPlanes(scene.PixelBytes, scene.Channels, scene.Height, scene.Width, Zoom);
                pictures.Add(picture);
                foreach (var truth in evaluation.Images[i].GroundTruth)
                    picture.DrawTruth(new PictureBox(truth.X0, truth.Y0, truth.X1, truth.Y1, truth.ClassId));
                foreach (var found in evaluation.Images[i].Detections.Where(d => d.Score >= drawScore).Reverse())   // the best on top
                    picture.DrawPrediction(new PictureBox(found.X0, found.Y0, found.X1, found.Y1, found.ClassId, found.Score), classNames);
            }
            ScenePicture.SaveGrid(pictures, PictureColumns, path, classNames);
        }
        finally
        {
            foreach (var picture in pictures) picture.Dispose();
        }
    }
}
