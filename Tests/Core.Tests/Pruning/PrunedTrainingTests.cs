using System.IO.Compression;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Shared;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Pruning;

/// <summary>Pruning inside <see cref="Trainer"/>: the schedule, the reported sparsity, determinism, and recovery by fine-tuning.</summary>
[TestClass]
public sealed class PrunedTrainingTests
{
    private static readonly string[] PrunedLayers = ["block/conv", "up", "fc1"];   // the defaults leave conv1 and fc2 dense

    [TestMethod]
    public void TheTrainerPrunesOnTheScheduleAndReportsTheSparsity()
    {
        var network = PruningNetworks.Network();
        Initializer.Initialize(network, seed: 7);
        SparsitySchedule? schedule = null;
        var reports = new List<TrainingProgress>();
        var result = Trainer.Fit(network, Stripes(576, 1), Stripes(150, 2), new TrainerOptions
        {
            Epochs = 4, BatchSize = 32, ProgressInterval = 5, Progress = new SynchronousProgress(reports.Add),
            // 18 batches of 32 per epoch: prunings at steps 0, 6, …, 36, the last one before the first batch of epoch 3.
            Sparsity = batches => schedule = new SparsitySchedule(0.75, beginStep: 0, frequency: batches / 3, intervals: 6),
        });

        Assert.AreEqual(StopReason.Completed, result.StopReason, result.Message);
        Assert.AreEqual(36, schedule!.EndStep);
        int n = PruningNetworks.Weights(network, PrunedLayers).Sum(w => w.Value.Length);
        double Achieved(int step) => Math.Round(schedule.SparsityAt(step) * n, MidpointRounding.ToEven) / n;
        foreach (var epoch in result.Epochs)
            Assert.AreEqual(Achieved(epoch.Epoch * 18 - 1), epoch.Sparsity, $"epoch {epoch.Epoch}");
        foreach (var report in reports)
            Assert.AreEqual(Achieved((report.Epoch - 1) * 18 + report.Batch - 1), report.Sparsity, $"epoch {report.Epoch}, batch {report.Batch}");
        Assert.IsTrue(result.Epochs[0].Sparsity < 0.75 && reports.Select(r => r.Sparsity).Distinct().Count() >= 4, "the sparsity grows gradually");
        StringAssert.Contains(reports[^1].ToString(), "sparsity 0.75");

        // RestoreBestWeights may only go back to an epoch that ran with the final masks (3 or 4), never to a denser one.
        Assert.IsTrue(result.BestEpoch >= 3, $"best epoch {result.BestEpoch}");
        var report4 = SparsityReport.Of(network);
        Assert.AreEqual((long)Math.Round(0.75 * n), report4.Layers.Where(l => PrunedLayers.Contains(l.Name)).Sum(l => l.Zeros));
        Assert.AreEqual(0, report4.Layers.Where(l => !PrunedLayers.Contains(l.Name)).Sum(l => l.Zeros), "conv1 and fc2 stay dense");
        Assert.IsTrue(result.Epochs[^1].ValidationAccuracy > 0.9, $"validation accuracy {result.Epochs[^1].ValidationAccuracy}");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameSparseWeights()
    {
        float[] Run()
        {
            var network = PruningNetworks.Network();
            Initializer.Initialize(network, seed: 3);
            Trainer.Fit(network, Stripes(300, 1), null, new TrainerOptions
            {
                Epochs = 2, BatchSize = 16, Seed = 9,
                Optimizer = ps => new Sgd(ps, learningRate: 0.05f, momentum: 0.9f) { WeightDecay = 1e-3f },
                Sparsity = batches => new SparsitySchedule(0.6, beginStep: 2, frequency: 4, intervals: 3),
                Pruning = new PruningOptions { Scope = PruningScope.PerLayer },
            });
            foreach (var w in PruningNetworks.Weights(network, PrunedLayers))
                Assert.AreEqual((long)Math.Round(0.6 * w.Value.Length), w.Value.ToArray().Count(v => v == 0),
                    $"{w.Name}: momentum and weight decay revived no pruned weight");
            return network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();
        }
        CollectionAssert.AreEqual(Run(), Run());
    }

    /// <summary>
    /// A trained net loses accuracy when 80% of its pruned layers' weights go at once, and fine-tuning while pruning
    /// (one-shot before the first step, or gradually over the first epoch) wins most of it back. Per-layer pruning, as
    /// TF-MOT does it: a global threshold costs this net less (one-shot 0.86–0.94 on five seeds), which leaves less to
    /// show. Measured with these seeds: dense 0.987, pruned one-shot 0.829, fine-tuned 0.975 (one-shot schedule) and
    /// 0.985 (gradual); the model file (37,560 bytes either way) gzips to 34,150 bytes dense and 10,426 pruned. On data seeds 2–5:
    /// dense 0.961–0.988, pruned 0.734–0.827, fine-tuned 0.961–0.991.
    /// </summary>
    [TestMethod]
    public void FineTuningWithPruningRecoversMostOfWhatOneShotPruningLoses()
    {
        var train = Templates(2000, 1);
        var test = Templates(1000, 101);
        var network = TemplateNet();
        Initializer.Initialize(network, seed: 1);
        Trainer.Fit(network, train, null, new TrainerOptions { Epochs = 4, BatchSize = 32 });
        var model = new CnnModel(network, new TensorShape(1, Side, Side), train.ClassNames);
        double dense = Accuracy(network, test);
        var (denseFile, denseGzip) = ModelSizes(model);
        var trained = WeightSnapshot.Take(network);

        var perLayer = new PruningOptions { Scope = PruningScope.PerLayer };
        MagnitudePruning.Prune(network, 0.8, perLayer);
        double pruned = Accuracy(network, test);
        var (prunedFile, prunedGzip) = ModelSizes(model);
        Assert.IsTrue(dense > 0.95, $"the dense net learns the task: {dense:F4}");
        Assert.IsTrue(pruned < dense - 0.08, $"pruning 80% at once costs accuracy: {dense:F4} → {pruned:F4}");
        Assert.AreEqual(denseFile, prunedFile, "the zeros are stored as ordinary floats");
        Assert.IsTrue(prunedGzip < 0.4 * denseGzip, $"but compress: {denseGzip} → {prunedGzip} bytes gzipped");

        foreach (var (name, schedule) in new (string, Func<int, SparsitySchedule>)[]
        {
            ("one-shot", _ => SparsitySchedule.OneShot(0.8)),
            ("gradual", batches => new SparsitySchedule(0.8, beginStep: 0, frequency: batches / 4, intervals: 4)),
        })
        {
            trained.Restore();
            var result = Trainer.Fit(network, train, null, new TrainerOptions { Epochs = 2, BatchSize = 32, Sparsity = schedule, Pruning = perLayer });
            double tuned = Accuracy(network, test);
            Assert.IsTrue(tuned > dense - 0.03 && tuned - pruned > 0.8 * (dense - pruned),
                $"{name}: fine-tuning recovers most of the loss: dense {dense:F4}, pruned {pruned:F4}, fine-tuned {tuned:F4}");
            Assert.AreEqual(0.8, result.Epochs[^1].Sparsity!.Value, 1e-3, name);
            foreach (var layer in SparsityReport.Of(network).Layers.Where(l => l.Name is "conv2" or "fc1"))
                Assert.AreEqual(Math.Round(0.8 * layer.Weights), layer.Zeros, $"{name}: {layer.Name} at exactly 80%");
        }
    }

    private const int Side = 8, Classes = 10;

    /// <summary>
    /// Ten classes of 1×8×8 images: a fixed random ±1 pattern per class, faint (×0.1) on uniform noise in [0, 0.5); a
    /// net must weigh many pixels together to tell them apart, so the weights pruning removes matter.
    /// </summary>
    private static ImageDataset Templates(int count, int seed)
    {
        var patternRandom = new Random(42);
        var patterns = Enumerable.Range(0, Classes)
            .Select(_ => Enumerable.Range(0, Side * Side).Select(_ => patternRandom.Next(2) * 2f - 1).ToArray()).ToArray();
        var random = new Random(seed);
        var pixels = new float[count * Side * Side];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(Classes);
            var image = SyntheticImages.Noise(random, Side * Side);
            for (int p = 0; p < image.Length; p++) image[p] += 0.1f * patterns[labels[i]][p];
            image.CopyTo(pixels, i * Side * Side);
        }
        return new ImageDataset(pixels, labels, 1, Side, Side, [.. Enumerable.Range(0, Classes).Select(c => $"pattern{c}")]);
    }

    private static Sequential TemplateNet() => new("net",
        new Conv2dLayer("conv1", 1, 8, 3, padding: ConvPadding.Same), new ActivationLayer("relu1", new ReLU()),
        new Conv2dLayer("conv2", 8, 8, 3, padding: ConvPadding.Same), new ActivationLayer("relu2", new ReLU()),
        new FlattenLayer("flatten"),
        new DenseLayer("fc1", 8 * Side * Side, 16), new ActivationLayer("relu3", new ReLU()),
        new DenseLayer("fc2", 16, Classes));

    private static double Accuracy(Layer network, ImageDataset test) => Evaluation.Of(network, test, new SoftmaxCrossEntropy()).Accuracy;

    /// <summary>The model file's size and its gzipped size (what TF-MOT reports for pruned models).</summary>
    private static (long File, long Gzipped) ModelSizes(CnnModel model)
    {
        var file = new MemoryStream();
        ModelFile.Save(model, file);
        var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(file.ToArray());
        return (file.Length, gzipped.Length);
    }
}
