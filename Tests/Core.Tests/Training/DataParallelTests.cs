using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// Synchronous data-parallel training (<see cref="DataParallelReplica"/>): N workers' gradient shards sum to the whole
/// batch's gradient, and N workers train to the weights <see cref="Trainer"/> gives with the same global batch and seed.
/// 150 images in global batches of 32: five steps an epoch, the last of 22 images (cut 11/11 or 7/7/8).
/// </summary>
[TestClass]
public sealed class DataParallelTests
{
    private static readonly ImageDataset Data = Stripes(150, 1);

    /// <summary>SGD with momentum, clipping and augmentation: every piece a replica must do as the trainer does.</summary>
    private static readonly TrainerOptions Options = new()
    {
        Epochs = 2, BatchSize = 32, Seed = 5, RestoreBestWeights = false, GradientClipNorm = 5f,
        Optimizer = ps => new Sgd(ps, learningRate: 0.05f, momentum: 0.9f),
        Augmentation = new AugmentationPipeline(new HorizontalFlip(), new ColorJitter(0.2, 0.2)),
    };

    /// <summary>The small CNN (no batch norm, no dropout), initialized the same way every time.</summary>
    private static Sequential Network()
    {
        var network = SmallCnn();
        Initializer.Initialize(network, seed: 7);
        return network;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void ShardsOfSlicesSumToTheWholeBatchsGradient(int workers)
    {
        var options = Options with { Augmentation = null };
        var whole = WholeBatchGradient(options);
        var replicas = Replicas(workers, options);
        var sum = GradientShard.Sum([.. replicas.Select((r, w) => Shard(r, step: 0, w, workers))]);

        Assert.AreEqual(32, sum.Images);
        float scale = whole.Max(Math.Abs);
        float worst = whole.Zip(sum.Gradient, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsTrue(worst <= 1e-6f * scale, $"{workers} workers: the summed gradient is {worst} from the whole batch's (largest value {scale})");
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    public void WorkersTrainToTheTrainersWeights(int workers)
    {
        var single = Network();
        Trainer.Fit(single, Data, null, Options);
        var replicas = Replicas(workers, Options);

        Train(replicas, until: replicas[0].Plan.TotalSteps);

        Assert.AreEqual(10, replicas[0].Step);
        var expected = Weights(single);
        foreach (var replica in replicas)
        {
            var actual = Weights(replica.Network);
            float worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            Assert.IsTrue(worst <= 1e-6f, $"{workers} workers end {worst} from the single process's weights");
            CollectionAssert.AreEqual(Weights(replicas[0].Network), actual, "the replicas hold the same weights, to the bit");
        }
        Assert.IsTrue(expected.Zip(Weights(Network()), (a, b) => Math.Abs(a - b)).Max() > 1e-2f, "training moved the weights");
    }

    [TestMethod]
    public void ReplicasResumedFromACheckpointEndAsAnUninterruptedRun()
    {
        using var folder = new TemporaryFolder();
        var options = Options with { Checkpoints = new CheckpointOptions { Directory = folder.Path } };
        var uninterrupted = Replicas(2, Options);
        Train(uninterrupted, until: 10);

        var first = Replicas(2, options);
        Train(first, until: 4);
        first[0].SaveCheckpoint();
        Train(first, until: 6);   // steps after the checkpoint, lost with the killed workers
        var resumed = Replicas(2, options);
        foreach (var replica in resumed) Assert.AreEqual(new CheckpointPosition(0, 4, 4), replica.Resume());
        Train(resumed, until: 10);

        CollectionAssert.AreEqual(Weights(uninterrupted[0].Network), Weights(resumed[1].Network));
    }

    [TestMethod]
    public void RefusesAStepOutOfTurnAndOptionsThatNeedTheWholeRun()
    {
        var replica = Replicas(1, Options)[0];
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => replica.Gradients(step: 1, 0, 32));
        StringAssert.Contains(e.Message, "at step 0");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => replica.Gradients(step: 0, 0, 33));
        var refused = Assert.ThrowsExactly<NotSupportedException>(() =>
            new DataParallelReplica(Network(), Data, Options with { Schedule = _ => new Constant(0.1f) }));
        StringAssert.Contains(refused.Message, "Schedule");
    }

    [TestMethod]
    public void SlicesCoverTheBatchInWorkerOrder()
    {
        Assert.AreEqual((0, 7), DataParallelPlan.Slice(22, 0, 3));
        Assert.AreEqual((7, 14), DataParallelPlan.Slice(22, 1, 3));
        Assert.AreEqual((14, 22), DataParallelPlan.Slice(22, 2, 3));
        var plan = new DataParallelPlan(150, 32, 2);
        Assert.AreEqual((5, 10, 22), (plan.BatchesPerEpoch, plan.TotalSteps, plan.BatchLength(4)));
        Assert.AreEqual((2, 0), plan.Position(5));
    }

    /// <summary>N replicas over the same data and options, each with its own copy of the same network.</summary>
    private static DataParallelReplica[] Replicas(int workers, TrainerOptions options) =>
        [.. Enumerable.Range(0, workers).Select(_ => new DataParallelReplica(Network(), Data, options))];

    private static GradientShard Shard(DataParallelReplica replica, int step, int worker, int workers)
    {
        var (start, end) = DataParallelPlan.Slice(replica.Plan.BatchLength(step), worker, workers);
        return replica.Gradients(step, start, end);
    }

    /// <summary>The coordinator's loop, in one process: shards in worker order, summed, applied to every replica.</summary>
    private static void Train(DataParallelReplica[] replicas, int until)
    {
        for (int step = replicas[0].Step; step < until; step++)
        {
            var sum = GradientShard.Sum([.. replicas.Select((r, w) => Shard(r, step, w, replicas.Length))]);
            foreach (var replica in replicas) replica.Apply(sum);
        }
    }

    /// <summary>The first batch's gradient computed by hand: the epoch-1 order, one forward and backward over all 32 images.</summary>
    private static float[] WholeBatchGradient(TrainerOptions options)
    {
        var network = Network();
        var order = Enumerable.Range(0, Data.Count).ToArray();
        new Random(options.Seed * 1_000_003 + 1).Shuffle(order);
        var images = new Tensor(Data.Layout.ImageShape(32));
        var targets = new Tensor(Data.Layout.TargetShape(32));
        Data.Gather(order.AsSpan(0, 32), images, targets);
        var output = network.Forward(images, training: true);
        var gradient = new Tensor(output.Shape);
        new SoftmaxCrossEntropy().Compute(output, targets, gradient);
        network.Backward(gradient);
        return [.. network.AllParameters().SelectMany(p => p.Gradient.ToArray())];
    }

    private static float[] Weights(Layer network) => [.. network.AllParameters().SelectMany(p => p.Value.ToArray())];
}
