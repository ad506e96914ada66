using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// Small seeded runs that hold every kind of state a checkpoint saves, and the check that two runs ended alike, bit for bit.
/// 150 training images in batches of 16: ten batches an epoch, the last of six.
/// </summary>
internal static class CheckpointRuns
{
    /// <summary>A run's settings: the options (without progress or checkpoints) and the validation set, if any.</summary>
    public sealed record Scenario(string Name, TrainerOptions Options, ImageDataset? Validation)
    {
        public override string ToString() => Name;
    }

    /// <summary>How a run ended: the network, the result, every progress report without its timings, the batches an epoch (0: none reported).</summary>
    public sealed record Run(Sequential Network, TrainingResult Result, List<string> Reports, int BatchesPerEpoch);

    public static ImageDataset Train { get; } = Stripes(150, 1);

    public static Scenario[] Scenarios { get; } =
    [
        // momentum, a plateau schedule (state from the epoch ends), augmentation, a validation set
        new("SGD with momentum", new TrainerOptions
        {
            Epochs = 4, BatchSize = 16, Seed = 3, Optimizer = ps => new Sgd(ps, learningRate: 0.05f, momentum: 0.9f),
            Schedule = _ => new ReduceOnPlateau(0.05f, factor: 0.5f, patience: 0, threshold: 0.99f),   // an epoch that does not cut the loss 100-fold cuts the rate
            Augmentation = new AugmentationPipeline(new HorizontalFlip(), new ColorJitter(0.2, 0.2)),
        }, Stripes(40, 2)),
        // Adam's moments and step counts, a warm-up into one cycle, CutMix, a held-out split, clipping, and a rate high
        // enough for the validation loss to rise: the best epoch (3) is not the last, and early stopping ends the run after epoch 5
        new("Adam", new TrainerOptions
        {
            Epochs = 6, BatchSize = 16, Seed = 4, Optimizer = ps => new Adam(ps, learningRate: 0.1f),
            Schedule = plan => new LinearWarmup(5, new OneCycle(0.1f, plan.TotalSteps)), BatchMixing = new CutMix(alpha: 1),
            ValidationFraction = 0.2, GradientClipNorm = 1f, EarlyStoppingPatience = 2,
        }, null),
        // gradual pruning (the masks), AdamW by default
        new("pruning", new TrainerOptions
        {
            Epochs = 4, BatchSize = 16, Seed = 5,
            Sparsity = batches => new SparsitySchedule(0.5, beginStep: 3, frequency: batches / 2, intervals: 3),
            Pruning = new PruningOptions { KeepFirstAndLastDense = false },
        }, Stripes(40, 2)),
    ];

    /// <summary>Convolution, batch normalization, dropout and a dense layer, initialized the same way every time.</summary>
    public static Sequential Network()
    {
        var network = new Sequential("net",
            new Conv2dLayer("conv", 1, 4, 3, padding: 1),
            new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()),
            new FlattenLayer("flatten"),
            new DropoutLayer("drop", 0.2f, seed: 9),
            new DenseLayer("fc", 4 * 36, 3));
        Initializer.Initialize(network, seed: 7);
        return network;
    }

    /// <summary>
    /// Trains <paramref name="network"/> (default: a fresh <see cref="Network"/>) with the scenario's options and
    /// <paramref name="checkpoints"/>, reporting every batch; <paramref name="onProgress"/> sees each report (to cancel, to
    /// move a clock, to spoil a weight) after it is recorded.
    /// </summary>
    public static Run Fit(Scenario scenario, CheckpointOptions? checkpoints, Action<TrainingProgress>? onProgress = null,
        CancellationToken cancellation = default, TimeProvider? time = null, Sequential? network = null)
    {
        network ??= Network();
        var reports = new List<string>();
        int batchesPerEpoch = 0;
        var options = scenario.Options with
        {
            Checkpoints = checkpoints, ProgressInterval = 1,
            Progress = new SynchronousProgress(p =>
            {
                batchesPerEpoch = p.BatchesPerEpoch;
                reports.Add(Untimed(p));
                onProgress?.Invoke(p);
            }),
        };
        var result = Trainer.Fit(network, Train, scenario.Validation, options, time ?? TimeProvider.System, cancellation);
        return new Run(network, result, reports, batchesPerEpoch);
    }

    /// <summary>
    /// The resumed run ends as the uninterrupted one: the same bits in every parameter and buffer, the same result and
    /// epoch rows (timings aside), and the reports since the checkpoint are the uninterrupted run's last ones.
    /// </summary>
    public static void AssertSameEnd(Run uninterrupted, Run resumed, string what)
    {
        CollectionAssert.AreEqual(Bits(uninterrupted.Network), Bits(resumed.Network), $"{what}: the weights, bit for bit");
        Assert.AreEqual(uninterrupted.Result.StopReason, resumed.Result.StopReason, $"{what}: {resumed.Result.Message}");
        Assert.AreEqual(uninterrupted.Result.Message, resumed.Result.Message, what);
        Assert.AreEqual(uninterrupted.Result.BestEpoch, resumed.Result.BestEpoch, what);
        CollectionAssert.AreEqual(Untimed(uninterrupted.Result), Untimed(resumed.Result), $"{what}: the epoch rows");
        CollectionAssert.AreEqual(uninterrupted.Reports.TakeLast(resumed.Reports.Count).ToList(), resumed.Reports, $"{what}: the reports since the checkpoint");
    }

    public static int[] Bits(Layer network) =>
        [.. network.AllParameters().Select(p => p.Value).Concat(network.AllBuffers().Select(b => b.Value))
            .SelectMany(t => t.ToArray()).Select(BitConverter.SingleToInt32Bits)];

    private static List<EpochResult> Untimed(TrainingResult result) =>
        [.. result.Epochs.Select(e => e with { ImagesPerSecond = 0, Duration = TimeSpan.Zero })];

    private static string Untimed(TrainingProgress p) =>
        $"{p.Epoch}/{p.Epochs} {p.Batch} {p.Loss:R} {p.Accuracy:R} {p.MeanAbsoluteError:R} {p.LearningRate:R} " +
        $"{p.ValidationLoss:R} {p.ValidationAccuracy:R} {p.IsEpochEnd} {p.Sparsity:R}";
}
