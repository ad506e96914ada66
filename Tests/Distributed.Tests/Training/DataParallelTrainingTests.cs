using MLNet.Cnn.Augment;
using MLNet.Cnn.Distributed.Training;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MLNet.Cnn.Distributed.Tests.Training;

/// <summary>
/// Data-parallel training on two silos on loopback: a small CNN (no batch norm) on 256 generated 8×8 images, global batch
/// 32, two epochs (16 steps). The two workers end within 1e-6 of one process training with the same global batch and seed,
/// and a run whose second silo is killed mid-way resumes from its last checkpoint to the same weights. A job that names
/// an augmentation and an optimizer the silos registered trains with them (to the single process's weights with the same
/// ones); a name no silo registered fails the start, naming it and the registered ones.
/// </summary>
[TestClass]
public sealed class DataParallelTrainingTests
{
    private const int Images = 256, Side = 8, Classes = 3;

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task TwoSilosTrainToTheSingleProcesssWeights()
    {
        await using var cluster = await StartCluster();
        var job = Job();
        var coordinator = new DataParallelCoordinator(cluster.Client, job, workers: 2);

        Assert.AreEqual(16, await coordinator.RunAsync());

        var silos = await Task.WhenAll(coordinator.Workers.Select(w => w.Silo()));
        Assert.AreNotEqual(silos[0], silos[1], "one worker per silo");
        var expected = SingleProcess(job);
        var weights = await Task.WhenAll(coordinator.Workers.Select(w => w.Weights()));
        AssertClose(expected, weights[0]);
        CollectionAssert.AreEqual(weights[0], weights[1], "the replicas hold the same weights, to the bit");
    }

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task AKilledSiloResumesFromTheLastCheckpointToTheSameWeights()
    {
        await using var cluster = await StartCluster();
        var folder = Directory.CreateTempSubdirectory("mlnet-cnn-dp-");
        try
        {
            var job = Job() with { CheckpointDirectory = folder.FullName, CheckpointEvery = 4 };
            var secondary = cluster.Silos[1];
            var coordinator = new DataParallelCoordinator(cluster.Client, job, workers: 2)
            {
                AfterStep = async (step, _) => { if (step == 6) await cluster.KillSiloAsync(secondary); },
            };

            Assert.AreEqual(16, await coordinator.RunAsync());

            Assert.HasCount(1, coordinator.Restarts, "one restart, from the checkpoint of step 4");
            var weights = await Task.WhenAll(coordinator.Workers.Select(w => w.Weights()));
            AssertClose(SingleProcess(job), weights[0]);
            CollectionAssert.AreEqual(weights[0], weights[1]);
        }
        finally { folder.Delete(recursive: true); }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task TwoSilosTrainWithTheRegisteredAugmentationAndOptimizerToTheSingleProcesssWeights()
    {
        await using var cluster = await StartCluster(Register);
        var job = Job() with { Augmentation = "flip-crop", Optimizer = "sgd-momentum" };
        var coordinator = new DataParallelCoordinator(cluster.Client, job, workers: 2);

        Assert.AreEqual(16, await coordinator.RunAsync());

        var weights = await Task.WhenAll(coordinator.Workers.Select(w => w.Weights()));
        var reference = new TrainingComponents();
        Register(reference);
        var expected = SingleProcess(job, reference);
        AssertClose(expected, weights[0]);
        CollectionAssert.AreEqual(weights[0], weights[1], "the replicas hold the same weights, to the bit");
        AssertFar(SingleProcess(job with { Augmentation = null }, reference), weights[0], "the augmentation was applied");
        AssertFar(SingleProcess(job with { Optimizer = null }, reference), weights[0], "the optimizer was the registered one");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task AnUnregisteredNameFailsTheStartNamingItAndTheRegisteredOnes()
    {
        await using var cluster = await StartCluster(Register);
        var job = Job() with { Augmentation = "flip-crop", Optimizer = "adam-typo" };

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => new DataParallelCoordinator(cluster.Client, job, workers: 2).RunAsync());

        StringAssert.Contains(error.Message, "optimizer 'adam-typo'");
        StringAssert.Contains(error.Message, "'sgd-momentum'");
    }

    /// <summary>What the silos register: a horizontal flip and a random crop with 2 pixels of padding, SGD with momentum.</summary>
    private static void Register(TrainingComponents components) => components
        .AddAugmentation("flip-crop", () => new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(Side, Side, padding: 2)))
        .AddOptimizer("sgd-momentum", parameters => new Sgd(parameters, learningRate: 0.05f, momentum: 0.9f));

    private static async Task<InProcessTestCluster> StartCluster(Action<TrainingComponents>? components = null)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddDataParallelTraining(components));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>256 images of three classes (a bright row in the top, middle or bottom third) and a small seeded CNN.</summary>
    private static DataParallelJob Job()
    {
        var random = new Random(11);
        var pixels = new float[Images * Side * Side];
        var labels = new int[Images];
        for (int i = 0; i < Images; i++)
        {
            labels[i] = random.Next(Classes);
            for (int p = 0; p < Side * Side; p++) pixels[i * Side * Side + p] = (float)random.NextDouble() * 0.5f;
            int row = labels[i] * 3 + random.Next(2);
            for (int c = 0; c < Side; c++) pixels[i * Side * Side + row * Side + c] += 1f;
        }
        var network = new Sequential("net",
            new Conv2dLayer("conv", 1, 4, 3, padding: 1),
            new ActivationLayer("relu", new ReLU()),
            new FlattenLayer("flatten"),
            new DenseLayer("fc", 4 * Side * Side, Classes));
        Initializer.Initialize(network, seed: 7);
        var model = new CnnModel(network, new TensorShape(1, Side, Side), ["top", "middle", "bottom"]);
        return DataParallelJob.For(model, pixels, labels) with { Epochs = 2, BatchSize = 32, Seed = 3, LearningRate = 0.01f };
    }

    /// <summary>The weights of one process training the job's network with the same options and components (no checkpoints).</summary>
    private static float[] SingleProcess(DataParallelJob job, TrainingComponents? components = null)
    {
        var network = ModelFile.Load(new MemoryStream(job.Model)).Network;
        Trainer.Fit(network, job.Data, null, (components ?? new TrainingComponents()).OptionsFor(job) with { Checkpoints = null });
        return [.. network.AllParameters().SelectMany(p => p.Value.ToArray())];
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        float worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(1e-6f, worst, $"the workers' weights are {worst} from the single process's");
    }

    private static void AssertFar(float[] other, float[] actual, string because)
    {
        float largest = other.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsGreaterThan(1e-3f, largest, $"{because}: without it the weights are only {largest} away");
    }
}
