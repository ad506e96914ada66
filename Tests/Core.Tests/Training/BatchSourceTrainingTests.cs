using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

/// <summary>The loop and evaluation read any <see cref="IBatchSource"/>: other sources give what the same <see cref="ImageDataset"/> gives.</summary>
[TestClass]
public sealed class BatchSourceTrainingTests
{
    /// <summary>A dataset seen only through the interface, so that nothing can take a path meant for <see cref="ImageDataset"/>.</summary>
    private sealed class InterfaceOnly(IBatchSource inner) : IBatchSource
    {
        public int Count => inner.Count;
        public SampleLayout Layout => inner.Layout;
        public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets) => inner.Gather(indices, images, targets);
    }

    /// <summary>
    /// <see cref="TrainerTests.Stripes"/> drawn on the fly: image i comes from its own seeded stream, whatever the order of the
    /// reads. Records what it is told (<see cref="IBatchSource.Plan"/>) and what it is asked for (<see cref="IBatchSource.Gather"/>).
    /// </summary>
    private sealed class SynthesizedStripes(int count, int seed) : IBatchSource
    {
        public int Count => count;
        public SampleLayout Layout { get; } = SampleLayout.Classification(1, 6, 6, ["top", "middle", "bottom"]);
        public List<(bool IsPlan, int[] Indices)> Calls { get; } = [];

        public void Plan(ReadOnlyMemory<int> order, int batchSize) => Calls.Add((true, order.ToArray()));

        public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
        {
            Calls.Add((false, indices.ToArray()));
            for (int i = 0; i < indices.Length; i++) targets.Span[i] = Draw(indices[i], images.Span.Slice(i * 36, 36));
        }

        public ImageDataset ToImageDataset()
        {
            var pixels = new float[count * 36];
            var labels = Enumerable.Range(0, count).Select(i => Draw(i, pixels.AsSpan(i * 36, 36))).ToArray();
            return new ImageDataset(pixels, labels, 1, 6, 6, Layout.ClassNames);
        }

        private int Draw(int index, Span<float> pixels)
        {
            var random = new Random(seed * 7919 + index);
            int label = random.Next(3);
            for (int p = 0; p < 36; p++) pixels[p] = (float)random.NextDouble() * 0.5f;
            int row = label * 2 + random.Next(2);
            for (int c = 0; c < 6; c++) pixels[row * 6 + c] += 1f;
            return label;
        }
    }

    private static float[] Weights(Layer network) => network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();

    [TestMethod]
    public void ADatasetSeenOnlyThroughTheInterfaceTrainsBitForBitAlike()
    {
        static IBatchSource? Wrapped(ImageDataset? data) => data is null ? null : new InterfaceOnly(data);
        var direct = TrainingFingerprintTests.Fingerprints((network, train, validation, options) => Trainer.Fit(network, train, validation, options));
        var wrapped = TrainingFingerprintTests.Fingerprints((network, train, validation, options) => Trainer.Fit(network, Wrapped(train)!, Wrapped(validation), options));
        CollectionAssert.AreEqual(direct, wrapped, "split, augmentation, mixing, pruning, early stopping and divergence alike");
    }

    [TestMethod]
    public void ASourceThatDrawsImagesOnTheFlyTrainsLikeTheSameImagesInMemory()
    {
        (float[] Weights, TrainingResult Result) Train(IBatchSource source)
        {
            var network = SmallCnn();
            Initializer.Initialize(network, seed: 7);
            var result = Trainer.Fit(network, source, null, new TrainerOptions
            {
                Epochs = 3, BatchSize = 24, Seed = 9, ValidationFraction = 0.25,
                Augmentation = new ColorJitter(0.3, 0.3), BatchMixing = new Mixup(0.4),
            });
            return (Weights(network), result);
        }
        var synthesized = new SynthesizedStripes(200, 3);
        var onTheFly = Train(synthesized);
        var inMemory = Train(synthesized.ToImageDataset());

        CollectionAssert.AreEqual(inMemory.Weights, onTheFly.Weights);
        CollectionAssert.AreEqual(inMemory.Result.Epochs.Select(e => (e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy)).ToArray(),
            onTheFly.Result.Epochs.Select(e => (e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy)).ToArray());
        Assert.IsTrue(onTheFly.Result.Epochs[^1].ValidationAccuracy > 0.5, $"it learns (chance: 1/3): validation accuracy {onTheFly.Result.Epochs[^1].ValidationAccuracy}");

        // Every pass is announced before it is read: 3 epochs of 6 batches of 24 and one of 6 from the 150 training samples,
        // and after each the 50 validation samples; the reads follow the plan, and the two parts never share a sample.
        var passes = new List<(int[] Plan, List<int> Reads)>();
        foreach (var (isPlan, indices) in synthesized.Calls)
            if (isPlan) passes.Add((indices, []));
            else passes[^1].Reads.AddRange(indices);
        CollectionAssert.AreEqual(new[] { 150, 50, 150, 50, 150, 50 }, passes.Select(p => p.Plan.Length).ToArray());
        foreach (var (plan, reads) in passes) CollectionAssert.AreEqual(plan, reads.ToArray());
        Assert.IsFalse(passes[0].Plan.Intersect(passes[1].Plan).Any(), "training and validation samples are apart");
    }

    [TestMethod]
    public void TheLastShorterBatchIsTrainedUnlessItHoldsASingleImage()
    {
        foreach (var (count, expected) in new[] { (186, new[] { 64, 64, 58 }), (129, new[] { 64, 64 }), (40, new[] { 40 }) })
        {
            var source = new SynthesizedStripes(count, 1);
            var network = SmallCnn();
            Initializer.Initialize(network, seed: 1);
            var reports = new List<TrainingProgress>();
            var result = Trainer.Fit(network, source, null, new TrainerOptions
            {
                Epochs = 2, BatchSize = 64, Seed = 3, ProgressInterval = 1, Progress = new SynchronousProgress(reports.Add),
            });
            Assert.AreEqual(StopReason.Completed, result.StopReason, result.Message);
            var reads = source.Calls.Where(c => !c.IsPlan).Select(c => c.Indices.Length).ToArray();
            CollectionAssert.AreEqual(expected.Concat(expected).ToArray(), reads, $"{count} images in batches of 64");
            Assert.IsTrue(reports.All(r => r.BatchesPerEpoch == expected.Length), $"{count} images: {expected.Length} steps per epoch");
            Assert.AreEqual(expected.Length, reports.Count(r => r.Epoch == 1 && !r.IsEpochEnd));
        }
    }

    [TestMethod]
    public void EvaluationReadsAnySource()
    {
        var network = SmallCnn();
        Initializer.Initialize(network, seed: 2);
        var data = Stripes(70, 4);
        var loss = new SoftmaxCrossEntropy();
        var expected = Evaluation.Of(network, data, loss, batchSize: 32);
        var actual = Evaluation.Of(network, new InterfaceOnly(data), loss, batchSize: 32);
        Assert.AreEqual((expected.Loss, expected.Accuracy), (actual.Loss, actual.Accuracy));
        CollectionAssert.AreEqual(expected.ConfusionMatrix, actual.ConfusionMatrix);

        var dots = RegressionTrainerTests.Dots(45, 1);
        var regression = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 64, 2));
        Initializer.Initialize(regression, seed: 3);
        Assert.AreEqual(RegressionEvaluation.Of(regression, dots, new MeanSquaredError(), batchSize: 16),
            RegressionEvaluation.Of(regression, new InterfaceOnly(dots), new MeanSquaredError(), batchSize: 16));
    }

    [TestMethod]
    public void SourcesThatCannotTrainAreRefused()
    {
        var empty = new SynthesizedStripes(0, 1);
        Support.ArgumentAssert.Throws(() => Trainer.Fit(SmallCnn(), empty, null, new TrainerOptions()), "train", "empty");
        Support.ArgumentAssert.Throws(() => Trainer.Fit(SmallCnn(), new SynthesizedStripes(1, 1), null, new TrainerOptions { ValidationFraction = 0.5 }),
            "options", "ValidationFraction 0.5 leaves none of the 1 samples");
        Support.ArgumentAssert.Throws(() => Trainer.Fit(SmallCnn(), new SynthesizedStripes(10, 1), empty, new TrainerOptions()), "validation", "empty");
        var regression = new InterfaceOnly(RegressionTrainerTests.Dots(8, 1));
        Support.ArgumentAssert.Throws(() => Trainer.Fit(SmallCnn(), new SynthesizedStripes(10, 1), regression, new TrainerOptions()),
            "validation", "1×8×8 images with 2 regression targets", "3 classes of 1×6×6 images");
    }
}
