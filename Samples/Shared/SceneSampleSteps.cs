using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples;

/// <summary>The steps the detection and segmentation samples share: the scene generators, the backbone, the written files.</summary>
internal static class SceneSampleSteps
{
    /// <summary>Batches per point of the training-loss curve, and per progress line where the bar is not shown.</summary>
    public const int LossPointEvery = 50;

    /// <summary>
    /// The samples' backbone, <see cref="DetectionBackbones.Small"/>: from scratch, or with <see cref="SceneSampleOptions.Pretrain"/>
    /// epochs first trained as a Fashion-MNIST classifier (the trunk, global average pooling and one dense layer, on the
    /// 28×28 training items, validated on the test items; AdamW on a cosine schedule). The trunk is fully convolutional, so
    /// the pretrained weights then run on the scenes. Returns the trunk and the time the pretraining took, which the caller
    /// takes from its training budget.
    /// </summary>
    public static (Sequential Trunk, TimeSpan Spent) Backbone(SceneSampleOptions options, int width, float learningRate, float weightDecay, TextWriter output)
    {
        var trunk = DetectionBackbones.Small(1, width, seed: options.Seed);
        if (options.Pretrain == 0) return (trunk, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        var items = FashionMnist.LoadTrain(options.DataDirectory);
        int features = trunk.OutputShape(new TensorShape(1, items.Channels, items.Height, items.Width))[1];
        var classifier = new Sequential("pretraining", trunk, new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"),
            new DenseLayer("classes", features, items.ClassNames.Count));
        var progress = new TrainingProgressBar(output);
        TrainingResult result;
        using (progress) result = Trainer.Fit(classifier, items, FashionMnist.LoadTest(options.DataDirectory), new TrainerOptions
        {
            Epochs = options.Pretrain, BatchSize = 64, Seed = options.Seed,
            Optimizer = parameters => new AdamW(parameters, learningRate) { WeightDecay = weightDecay },
            Schedule = plan => new CosineAnnealing(learningRate, plan.TotalSteps),
            Progress = progress, ProgressInterval = progress.Interval(200),
        });
        output.WriteLine($"pretrained the backbone as a Fashion-MNIST classifier: {result.Epochs.Count} epochs, " +
                         $"test accuracy {result.Epochs[^1].ValidationAccuracy:P1}, {clock.Elapsed.TotalSeconds:F0} s");
        return (trunk, clock.Elapsed);
    }

    /// <summary>The training budget left after <paramref name="pretraining"/>; refused when the pretraining used all of it.</summary>
    public static TimeSpan TrainingTime(double minutes, TimeSpan pretraining) =>
        TimeSpan.FromMinutes(minutes) - pretraining is { Ticks: > 0 } left
            ? left
            : throw new InvalidOperationException($"Pretraining the backbone took {pretraining.TotalMinutes:F1} of the {minutes} minutes; " +
                "give more --minutes or fewer --pretrain epochs.");

    /// <summary>
    /// Training scenes from Fashion-MNIST's training items (seed <see cref="SceneSampleOptions.Seed"/>) and held-out scenes
    /// from its test items (seed + 1): no item and no layout of the held-out scenes was seen in training. The items' scales
    /// (0.8–2× on 96×96) go with the canvas, so that 1–5 of them fit on a smaller one.
    /// </summary>
    public static (SceneGenerator Train, SceneGenerator HeldOut) Generators(SceneSampleOptions options)
    {
        var defaults = new SceneOptions();
        double scale = options.Size / (double)defaults.Width;
        var scenes = defaults with
        {
            Height = options.Size, Width = options.Size, MinObjects = 1, MaxObjects = 5,
            MinScale = defaults.MinScale * scale, MaxScale = defaults.MaxScale * scale,
        };
        return (SceneGenerator.FromFashionMnist(scenes, options.Seed, train: true, options.DataDirectory),
                SceneGenerator.FromFashionMnist(scenes, options.Seed + 1, train: false, options.DataDirectory));
    }

    /// <summary>
    /// Writes the network as the core's model file (<paramref name="name"/>.cnn) and as ONNX (<paramref name="name"/>.onnx)
    /// with the task's metadata, so that Samples/EdgeScoring can decode and draw its output; and the first held-out scenes
    /// as PNGs in scenes/ to try it on.
    /// </summary>
    public static void WriteModel(Layer network, SceneSet heldOut, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string> metadata,
        string directory, string name, TextWriter output, int scenes = 4)
    {
        var model = new CnnModel(network, new TensorShape(heldOut.Channels, heldOut.Height, heldOut.Width), classNames);
        string cnn = Path.Combine(directory, name + ".cnn"), onnx = Path.Combine(directory, name + ".onnx");
        ModelFile.Save(model, cnn);
        OnnxExporter.Export(model, onnx, metadata);
        var folder = Directory.CreateDirectory(Path.Combine(directory, "scenes"));
        for (int i = 0; i < Math.Min(scenes, heldOut.Count); i++)
        {
            var scene = heldOut[i];
            using var picture = ScenePicture.FromPlanes(scene.PixelBytes, scene.Channels, scene.Height, scene.Width, zoom: 1);
            picture.Save(Path.Combine(folder.FullName, $"scene-{i}.png"));
        }
        output.WriteLine($"wrote {Describe(cnn)} and {Describe(onnx)} (metadata {string.Join(", ", metadata.Select(e => $"{e.Key} = {e.Value}"))}) " +
                         $"and {Math.Min(scenes, heldOut.Count)} held-out scenes in {folder.Name}/ to score with Samples/EdgeScoring --draw");
    }

    private static string Describe(string path) => $"{Path.GetFileName(path)} ({new FileInfo(path).Length / 1024.0:F0} KiB)";

    /// <summary>"0.8123", or "–" for a figure with no ground truth (−1 or NaN).</summary>
    public static string Figure(double value) => value >= 0 ? value.ToString("F4") : "–";
}
