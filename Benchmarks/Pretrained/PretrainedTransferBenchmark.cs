using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Benchmarks.Pretrained;

/// <summary>
/// What ML.NET's ImageNet ResNet-18 (<see cref="PretrainedBackbones.ResNet18ImageNet"/>) is worth on a small color task:
/// 50 labelled images per class of colorized Fashion-MNIST at 3×224×224, scored on 50 others per class from the test
/// set. Three runs: the pretrained features frozen with a new head, the pretrained network fine-tuned, and the same
/// ResNet-18 architecture (ours) from scratch with the fine-tuning's epochs. Accuracy and training time each.
/// </summary>
internal static class PretrainedTransferBenchmark
{
    private const int PerClass = 50, Side = 224, Seed = 1;

    public static void Run(BenchmarkOptions options)
    {
        if (!FashionMnist.IsAvailable())
        {
            Console.WriteLine($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist");
            return;
        }
        TransferBackbone backbone;
        try { backbone = PretrainedBackbones.ResNet18ImageNet(); }
        catch (FileNotFoundException e)
        {
            Console.WriteLine(e.Message);
            return;
        }
        var train = ColorizedFashion.Take(FashionMnist.LoadTrain(), PerClass, Side, Seed);
        var test = ColorizedFashion.Take(FashionMnist.LoadTest(), PerClass, Side, Seed + 1);
        Console.WriteLine($"colorized Fashion-MNIST at 3×{Side}×{Side}: {train.Count} training images ({PerClass} per class), {test.Count} test images");
        string cut = backbone.Blocks[^1].Path;

        var results = new Results("run", "epochs", "test_accuracy", "train_seconds");
        void Report(string name, int epochs, Layer network, Normalization normalization, double seconds)
        {
            var evaluation = Evaluation.Of(network, NormalizedSource.Of(test, normalization), new SoftmaxCrossEntropy(), batchSize: 32);
            results.Add(name, $"{epochs}", Results.Number(evaluation.Accuracy, 4), Results.Number(seconds, 0));
            Console.WriteLine($"{name}: accuracy {evaluation.Accuracy:F4} after {seconds:F0} s");
        }

        const int headEpochs = 40, tuneEpochs = 6;
        var clock = Stopwatch.StartNew();
        var (frozen, _) = new TransferLearning(backbone, cut, TransferPolicy.FreezeAll, new TransferHead())
            .Fit(train, null, new TrainerOptions { Epochs = headEpochs, BatchSize = 32, Seed = Seed, LearningRate = 1e-3f });
        Report("ImageNet ResNet-18 frozen + new head", headEpochs, frozen.Network, frozen.Normalization, clock.Elapsed.TotalSeconds);

        clock.Restart();
        var (tuned, _) = new TransferLearning(backbone, cut, TransferPolicy.FineTuneAll, new TransferHead())
            .Fit(train, null, new TrainerOptions { Epochs = tuneEpochs, BatchSize = 16, Seed = Seed, LearningRate = 1e-4f });
        Report("ImageNet ResNet-18 fine-tuned", tuneEpochs, tuned.Network, tuned.Normalization, clock.Elapsed.TotalSeconds);

        clock.Restart();
        var scratch = ResNet.Build(18, 3, train.ClassCount);
        Initializer.Initialize(scratch, Seed);
        Trainer.Fit(scratch, train, null, new TrainerOptions { Epochs = tuneEpochs, BatchSize = 16, Seed = Seed, LearningRate = 1e-3f });
        Report("ResNet-18 from scratch", tuneEpochs, scratch, Normalization.None(3), clock.Elapsed.TotalSeconds);

        results.Print();
        Console.WriteLine($"wrote {results.WriteCsv("pretrained.csv")}");
    }
}
