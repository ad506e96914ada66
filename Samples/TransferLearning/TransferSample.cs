using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Transfer;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.TransferLearning;

internal sealed record TransferOptions(string? DataDirectory = null, int PretrainEpochs = 10, int Epochs = 30, int PerClass = 50,
    string Cut = "features", int Seed = 1, string OutputDirectory = "transfer-learning-output", int? PretrainPerClass = null)
{
    public const string Usage = """
        usage: [--data DIR] [--pretrain-epochs N] [--epochs N] [--per-class N] [--cut BLOCK] [--seed N] [--out DIR] [--pretrain-per-class N]
          --data             folder with the four Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)
          --pretrain-epochs  epochs of the backbone on classes 0–4 (default 10)
          --epochs           epochs of both small-data trainings, transfer and from scratch (default 30)
          --per-class        labelled training images per class of 5–9 (default 50: 250 images)
          --cut              the backbone's top-level block the transfer keeps up to (default "features": the convolutions)
          --seed             seed of the selection, the initializations and the shuffling (default 1)
          --out              where the backbone's .cnn file goes (default transfer-learning-output)
          --pretrain-per-class  pretrain on N images per class of 0–4 only (default: all, 30,000)
        """;
}

internal sealed record TransferResult(double TransferAccuracy, double ScratchAccuracy, double TransferSeconds, double ScratchSeconds);

/// <summary>
/// Transfer learning on Fashion-MNIST. A SmallVgg is pretrained with the core on the 30,000 training images of classes 0–4
/// (T-shirt/top, Trouser, Pullover, Dress, Coat) and saved as a .cnn file. On classes 5–9 (Sandal, Shirt, Sneaker, Bag,
/// Ankle boot) only a few labelled images per class are kept; two ML.NET pipelines train on them: (a) the transfer trainer,
/// the backbone frozen up to <see cref="TransferOptions.Cut"/> and a new dense head, and (b) the same SmallVgg from scratch.
/// Both are evaluated with <c>MulticlassClassification.Evaluate</c> on the 5,000 test images of classes 5–9.
/// </summary>
internal static class TransferSample
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

    /// <summary>Fashion-MNIST's pixel mean and standard deviation (all 60,000 training images), the backbone's normalization.</summary>
    private static readonly Normalization FashionNormalization = new([0.2860f], [0.3530f]);

    public static TransferResult Run(TransferOptions o, TextWriter output)
    {
        var trainAll = Data.FashionMnist.LoadTrain(o.DataDirectory);
        var testAll = Data.FashionMnist.LoadTest(o.DataDirectory);
        var names = Data.FashionMnist.ClassNames;

        // 1. The backbone: SmallVgg on classes 0–4, trained by the core on normalized pixels, saved as a .cnn file.
        var pretrainSet = Subset(trainAll, [0, 1, 2, 3, 4], o.PretrainPerClass, o.Seed);
        output.WriteLine($"pretraining SmallVgg on classes 0–4 ({string.Join(", ", pretrainSet.ClassNames)}): {pretrainSet.Count:N0} images, {o.PretrainEpochs} epochs");
        var backboneNetwork = SmallVgg.Build(1, 28, 28, 5, seed: o.Seed);
        Initializer.Initialize(backboneNetwork, o.Seed);
        var progress = new TrainingProgressBar(output, epochsOnly: true);
        TrainingResult pretrain;
        using (progress) pretrain = Trainer.Fit(backboneNetwork, Normalize(pretrainSet), null, new TrainerOptions
        {
            Epochs = o.PretrainEpochs, BatchSize = 64, Seed = o.Seed,
            Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 0.05f },
            Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
            Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
            Progress = progress, ProgressInterval = progress.Interval(100),
        });
        var backbone = new CnnModel(backboneNetwork, new TensorShape(1, 28, 28), pretrainSet.ClassNames, FashionNormalization);
        var pretrainTest = Normalize(Subset(testAll, [0, 1, 2, 3, 4], perClass: null, o.Seed));
        output.WriteLine($"backbone: {pretrain.Duration.TotalSeconds:F0} s, {pretrain.ImagesPerSecond:F0} images/s, " +
            $"test accuracy on classes 0–4 {Evaluation.Of(backboneNetwork, pretrainTest, new SoftmaxCrossEntropy()).Accuracy:F4}");
        string directory = Directory.CreateDirectory(o.OutputDirectory).FullName;
        string backbonePath = Path.Combine(directory, "small-vgg-classes-0-4.cnn");
        ModelFile.Save(backbone, backbonePath);
        output.WriteLine($"wrote {backbonePath}; its top-level blocks: {string.Join(", ", LayerPaths.List(backbone).Where(l => !l.Path.Contains('/')))}");

        // 2. The new task: classes 5–9, a few labelled images per class (fixed seed), all 5,000 test images.
        int[] newClasses = [5, 6, 7, 8, 9];
        var few = Rows(Subset(trainAll, newClasses, o.PerClass, o.Seed));
        var test = Rows(Subset(testAll, newClasses, perClass: null, o.Seed));
        output.WriteLine($"new task: classes 5–9 ({string.Join(", ", newClasses.Select(c => names[c]))}), {few.Count} training images " +
            $"({o.PerClass} per class), {test.Count:N0} test images");

        var ml = new MLContext(seed: o.Seed);
        ml.Log += (_, e) => { if (e.Message.Contains("Transfer from") || e.Message.Contains("cached")) output.WriteLine($"  log: {e.Message}"); };
        var trainView = ml.Data.LoadFromEnumerable(few);
        var testView = ml.Data.LoadFromEnumerable(test);
        var classOrder = ml.Data.LoadFromEnumerable(newClasses.Select(c => new ClassName { Label = names[c] }));
        IEstimator<ITransformer> Pipeline(IEstimator<ITransformer> trainer) =>
            ml.Transforms.Conversion.MapValueToKey(nameof(FashionImage.Label), keyData: classOrder).Append(trainer);

        // (a) transfer: the backbone frozen up to the cut, a new dense head; features are computed once.
        var transfer = Train(ml, Pipeline(ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
        {
            BackbonePath = backbonePath, FeatureLayer = o.Cut, Policy = TransferPolicy.FreezeAll, Head = new TransferHead { Dropout = 0.25f },
            Epochs = o.Epochs, BatchSize = 32, Seed = o.Seed,
            Optimizer = parameters => new AdamW(parameters, learningRate: 1e-3f) { WeightDecay = 0.05f },
        })), trainView, testView, "transfer (FreezeAll, head only)", output);

        // (b) the same architecture from scratch on the same images, with the pretraining recipe.
        var scratch = Train(ml, Pipeline(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            Channels = 1, Height = 28, Width = 28, Epochs = o.Epochs, BatchSize = 32, Seed = o.Seed,
            Network = (c, h, w, k) => SmallVgg.Build(c, h, w, k, seed: o.Seed),
            Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 0.05f },
            Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
            Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
        })), trainView, testView, "from scratch (SmallVgg)", output);

        output.WriteLine($"transfer: accuracy {transfer.Accuracy:F4}, training {transfer.Seconds:F1} s");
        output.WriteLine($"scratch:  accuracy {scratch.Accuracy:F4}, training {scratch.Seconds:F1} s");
        return new TransferResult(transfer.Accuracy, scratch.Accuracy, transfer.Seconds, scratch.Seconds);
    }

    private static (double Accuracy, double Seconds) Train(MLContext ml, IEstimator<ITransformer> pipeline, IDataView train, IDataView test,
        string title, TextWriter output)
    {
        output.WriteLine($"--- {title}");
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var cnn = CnnPredictionTransformer.Find(model)!;
        var last = cnn.Training.Epochs[^1];
        output.WriteLine($"{cnn.Model.Network.ParameterCount:N0} parameters, {cnn.Training.Epochs.Count} epochs in {seconds:F1} s (Fit), " +
            $"last training loss {last.Loss:F4}");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        MulticlassReport.Print(metrics, cnn.Model.ClassNames, output);
        return (metrics.MicroAccuracy, seconds);
    }

    /// <summary>The images of <paramref name="classes"/> (relabelled 0…), all of them or the first <paramref name="perClass"/> of each in a seeded order.</summary>
    private static ImageDataset Subset(ImageDataset data, int[] classes, int? perClass, int seed)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        if (perClass is not null) new Random(seed).Shuffle(order);
        var taken = new Dictionary<int, int>();
        var indices = new List<int>();
        var labels = data.Labels.ToArray();
        foreach (int i in order)
        {
            int label = labels[i];
            if (Array.IndexOf(classes, label) < 0) continue;
            taken.TryGetValue(label, out int count);
            if (perClass is { } limit && count >= limit) continue;
            taken[label] = count + 1;
            indices.Add(i);
        }
        if (perClass is null) indices.Sort();
        var pixels = indices.SelectMany(i => data.Pixels(i).ToArray()).ToArray();
        var newLabels = indices.Select(i => Array.IndexOf(classes, labels[i])).ToArray();
        return new ImageDataset(pixels, newLabels, 1, 28, 28, classes.Select(c => data.ClassNames[c]).ToArray());
    }

    private static ImageDataset Normalize(ImageDataset data)
    {
        float mean = FashionNormalization.Mean[0], std = FashionNormalization.Std[0];
        var pixels = Enumerable.Range(0, data.Count).SelectMany(i => data.Pixels(i).ToArray()).Select(x => (x - mean) / std).ToArray();
        return new ImageDataset(pixels, data.Labels.ToArray(), 1, 28, 28, data.ClassNames);
    }

    private static List<FashionImage> Rows(ImageDataset data) =>
        Enumerable.Range(0, data.Count).Select(i => new FashionImage { Features = data.Pixels(i).ToArray(), Label = data.ClassNames[data.Labels[i]] }).ToList();
}
