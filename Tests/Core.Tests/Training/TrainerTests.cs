using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class TrainerTests
{
    /// <summary>
    /// Three classes of 1×6×6 images: a bright row at the top, in the middle or at the bottom, on noise.
    /// A small CNN separates them after a few epochs; a model that learns nothing stays near 1/3.
    /// </summary>
    internal static ImageDataset Stripes(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 36];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(3);
            for (int p = 0; p < 36; p++) pixels[i * 36 + p] = (float)random.NextDouble() * 0.5f;
            int row = labels[i] * 2 + random.Next(2);
            for (int c = 0; c < 6; c++) pixels[i * 36 + row * 6 + c] += 1f;
        }
        return new ImageDataset(pixels, labels, 1, 6, 6, ["top", "middle", "bottom"]);
    }

    internal static Sequential SmallCnn() => new("net",
        new Conv2dLayer("conv", 1, 4, 3, padding: 1),
        new ActivationLayer("relu", new ReLU()),
        new FlattenLayer("flatten"),
        new DenseLayer("fc", 4 * 36, 3));

    private static TrainingResult Train(Sequential network, TrainerOptions options, ImageDataset? data = null)
    {
        Initializer.Initialize(network, seed: 7);
        return Trainer.Fit(network, data ?? Stripes(600, 1), Stripes(150, 2), options);
    }

    [TestMethod]
    public void LearnsAndReportsProgress()
    {
        var reports = new List<TrainingProgress>();
        var network = SmallCnn();
        var result = Train(network, new TrainerOptions
        {
            Epochs = 4, BatchSize = 32, ProgressInterval = 5, Progress = new SynchronousProgress(reports.Add),
        });
        Assert.AreEqual(StopReason.Completed, result.StopReason);
        Assert.AreEqual(4, result.Epochs.Count);
        Assert.IsTrue(result.Epochs[^1].ValidationAccuracy > 0.9, $"validation accuracy {result.Epochs[^1].ValidationAccuracy}");
        Assert.IsTrue(result.Epochs[^1].Loss < result.Epochs[0].Loss, "training loss falls");
        Assert.AreEqual(4, reports.Count(r => r.IsEpochEnd));
        Assert.IsTrue(reports.Any(r => !r.IsEpochEnd && r.Batch == 5), "reports within an epoch");
        Assert.IsTrue(reports.All(r => r.ImagesPerSecond > 0 && r.Remaining >= TimeSpan.Zero));
        StringAssert.Contains(reports[^1].ToString(), "val_acc");
        Assert.IsTrue(network.InputGradientNeeded, "training leaves the network's input-gradient setting as it found it");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameWeightsAndMetrics()
    {
        float[] Run(out TrainingResult result)
        {
            var network = SmallCnn();
            result = Train(network, new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 5 });
            return network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();
        }
        var first = Run(out var a);
        var second = Run(out var b);
        CollectionAssert.AreEqual(first, second);
        Assert.AreEqual(a.Epochs[^1].ValidationLoss, b.Epochs[^1].ValidationLoss);
    }

    [TestMethod]
    public void DivergenceStopsWithAMessageAndKeepsTheLastGoodWeights()
    {
        var network = SmallCnn();
        float[]? afterEpochOne = null;
        var result = Train(network, new TrainerOptions
        {
            Epochs = 5, BatchSize = 32,
            Progress = new SynchronousProgress(p =>
            {
                if (!p.IsEpochEnd || p.Epoch != 1) return;
                afterEpochOne = network.AllParameters().SelectMany(q => q.Value.ToArray()).ToArray();
                // Sabotage: an overflowing weight makes every later output infinite.
                network.AllParameters().Last(q => q.Role == ParameterRole.Weight).Value.Span.Fill(1e38f);
            }),
        });
        Assert.AreEqual(StopReason.Diverged, result.StopReason, result.Message);
        StringAssert.Contains(result.Message, "epoch 2");
        StringAssert.Contains(result.Message, "learning rate");
        CollectionAssert.AreEqual(afterEpochOne, network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray(),
            "the network is back at the weights of the last finished epoch");
    }

    [TestMethod]
    public void EarlyStoppingRestoresTheBestEpoch()
    {
        var result = Train(SmallCnn(), new TrainerOptions
        {
            Epochs = 40, BatchSize = 32, EarlyStoppingPatience = 2, Optimizer = ps => new Sgd(ps, learningRate: 0.5f, momentum: 0.9f),
        });
        Assert.AreEqual(StopReason.EarlyStopping, result.StopReason, result.Message);
        Assert.IsTrue(result.Epochs.Count < 40);
        Assert.AreEqual(result.Epochs.MinBy(e => e.ValidationLoss)!.Epoch, result.BestEpoch);
    }

    [TestMethod]
    public void CancellationAndTimeLimitStopEarly()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var network = SmallCnn();
        Initializer.Initialize(network, 1);
        var result = Trainer.Fit(network, Stripes(200, 1), null, new TrainerOptions { Epochs = 3 }, cancelled.Token);
        Assert.AreEqual(StopReason.Cancelled, result.StopReason);
        var timed = Train(SmallCnn(), new TrainerOptions { Epochs = 1000, BatchSize = 8, TimeLimit = TimeSpan.FromMilliseconds(300) });
        Assert.AreEqual(StopReason.TimeLimit, timed.StopReason);
    }

    [TestMethod]
    public void ANetworkThatDoesNotFitTheDataIsRefused()
    {
        var wrong = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 36, 5));
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(wrong, Stripes(50, 1), null, new TrainerOptions()));
        StringAssert.Contains(e.Message, "3 classes");
        var mismatched = new ImageDataset(new float[2 * 16], [0, 1], 1, 4, 4, ["a", "b"]);
        var validation = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(SmallCnn(), Stripes(50, 1), mismatched, new TrainerOptions()));
        StringAssert.Contains(validation.Message, "validation set has 2 classes of 1×4×4");
        var noClasses = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataset(new float[36], [0], 1, 6, 6, ["only"]));
        StringAssert.Contains(noClasses.Message, "at least two classes");
        var empty = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataset([], [], 1, 6, 6, ["a", "b"]));
        StringAssert.Contains(empty.Message, "empty");
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
