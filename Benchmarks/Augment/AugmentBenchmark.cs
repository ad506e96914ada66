using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Augment;

/// <summary>
/// What augmentation costs the training loop: one epoch of SmallVgg on Fashion-MNIST's 60,000 training images without
/// augmentation, with a per-image pipeline (<see cref="TrainerOptions.Augmentation"/>), and with that pipeline plus
/// batch mixing (<see cref="TrainerOptions.BatchMixing"/>). Rounds alternate the configurations so all see the same
/// machine; the median of each is reported, with the median of its per-round ratios to the plain epoch.
/// </summary>
internal static class AugmentBenchmark
{
    private const int BatchSize = 64;

    /// <summary>As many rounds as configurations: each runs once in every position of a round.</summary>
    private static int Rounds => Configurations.Length;

    private static readonly (string Name, IAugmentation? Augmentation, BatchMixing? Mixing)[] Configurations =
    [
        ("none", null, null),
        ("flip + crop (pad 2)", new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: 2)), null),
        ("flip + crop + ColorJitter(0.2, 0.2) + erasing", new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: 2),
            new ColorJitter(brightness: 0.2, contrast: 0.2), new RandomErasing()), null),
        ("rotation ±15° + elastic", new AugmentationPipeline(new RandomRotation(15), new ElasticWarp(8, 3)), null),
        ("flip + crop + Mixup(0.2)", new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(28, 28, padding: 2)), new Mixup(alpha: 0.2)),
    ];

    public static void Run(BenchmarkOptions options)
    {
        if (!FashionMnist.IsAvailable())
        {
            Console.WriteLine($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist");
            return;
        }
        var train = FashionMnist.LoadTrain();
        var seconds = Configurations.Select(_ => new List<double>()).ToArray();
        // Round r starts with configuration r, so over the rounds every configuration runs once in every position (the
        // first epoch of a round measured up to 15 % slower than the rest when "none" always came first).
        for (int round = 0; round < Rounds; round++)
        {
            for (int step = 0; step < Configurations.Length; step++)
            {
                int c = (round + step) % Configurations.Length;
                seconds[c].Add(Timing.SecondsOfOne(() => TrainOneEpoch(train, Configurations[c].Augmentation, Configurations[c].Mixing)));
            }
            Console.WriteLine($"round {round + 1}: " + string.Join(", ", Configurations.Select((c, i) => $"{c.Name} {seconds[i][^1]:F2} s")));
        }

        // The ratio is the median over rounds of each round's own ratio: both epochs of a ratio saw the same machine.
        double images = train.Count / BatchSize * BatchSize;
        var results = new Results("augmentation", "seconds", "images_per_s", "ratio_to_none");
        for (int c = 0; c < Configurations.Length; c++)
        {
            double median = Timing.Median([.. seconds[c]]);
            double ratio = Timing.Median(seconds[c].Select((s, round) => s / seconds[0][round]).ToArray());
            results.Add(Configurations[c].Name, Results.Number(median), Results.Number(images / median, 0), Results.Number(ratio, 3));
        }
        results.Print();
        Console.WriteLine($"wrote {results.WriteCsv("augment.csv")}");
    }

    private static void TrainOneEpoch(ImageDataset train, IAugmentation? augmentation, BatchMixing? mixing)
    {
        var network = SmallVgg.Build();
        Initializer.Initialize(network, 1);
        Trainer.Fit(network, train, null, new TrainerOptions
        {
            Epochs = 1, BatchSize = BatchSize, Seed = 1, Augmentation = augmentation, BatchMixing = mixing,
            Optimizer = parameters => new AdamW(parameters, learningRate: 1e-3f) { WeightDecay = 0.05f },
        });
    }
}
