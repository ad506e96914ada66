using System.Collections.Concurrent;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class AugmentedTrainingTests
{
    /// <summary>Adds uniform noise in [−0.1, 0.1) to every pixel: many draws per image, so a shared or misplaced stream shows.</summary>
    private sealed class Noise : IAugmentation
    {
        public void Apply(AugmentationSample sample, Random random)
        {
            foreach (ref float x in sample.Pixels) x += (float)(random.NextDouble() - 0.5) * 0.2f;
        }
    }

    /// <summary>Records, for every image it sees (named by its first pixel), the first number of its stream; changes nothing.</summary>
    private sealed class Recorder : IAugmentation
    {
        public ConcurrentBag<(float Image, double Draw)> Seen { get; } = [];
        public void Apply(AugmentationSample sample, Random random) => Seen.Add((sample.Pixels[0], random.NextDouble()));
    }

    /// <summary>Crops the bottom row away, which the network cannot take.</summary>
    private sealed class DropLastRow : IAugmentation
    {
        public void Apply(AugmentationSample sample, Random random)
        {
            int height = sample.Height - 1, width = sample.Width;
            var scratch = sample.Scratch(height, width);
            for (int c = 0; c < sample.Channels; c++)
                sample.Plane(c)[..(height * width)].CopyTo(scratch.Slice(c * height * width, height * width));
            sample.Swap(height, width);
        }
    }

    /// <summary>Shifts the image one pixel to the right (zeros enter at the left) and its keypoints or boxes with it.</summary>
    private sealed class ShiftRight : IAugmentation
    {
        public void Apply(AugmentationSample sample, Random random)
        {
            for (int c = 0; c < sample.Channels; c++)
                for (int y = 0; y < sample.Height; y++)
                {
                    var row = sample.Plane(c).Slice(y * sample.Width, sample.Width);
                    row[..^1].CopyTo(row[1..]);
                    row[0] = 0;
                }
            if (sample.Keypoints is { } points)
                for (int i = 0; i < points.Length; i += 2) points[i] += 1;
            if (sample.Boxes is { } boxes)
                for (int i = 0; i < boxes.Length; i += 4) (boxes[i], boxes[i + 2]) = (boxes[i] + 1, boxes[i + 2] + 1);
        }
    }

    /// <summary>A loss that keeps a copy of every target batch it is given.</summary>
    private sealed class RecordingLoss(ILoss inner) : ILoss
    {
        public List<float[]> Targets { get; } = [];
        public double Compute(Tensor prediction, Tensor target, Tensor gradient)
        {
            Targets.Add(target.Span.ToArray());
            return inner.Compute(prediction, target, gradient);
        }
    }

    private static float[] Weights(Layer network) => network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();

    private static (float[] Weights, TrainingResult Result) TrainStripes(TrainerOptions options, ImageDataset? validation = null)
    {
        var network = SmallCnn();
        Initializer.Initialize(network, seed: 7);
        var result = Trainer.Fit(network, Stripes(256, 1), validation ?? Stripes(64, 2), options);
        return (Weights(network), result);
    }

    [TestMethod]
    public void EveryTrainingImageIsAugmentedOncePerEpochWithAFreshDrawAndValidationNever()
    {
        var recorder = new Recorder();
        var validation = Stripes(64, 2);
        var network = SmallCnn();
        Initializer.Initialize(network, seed: 7);
        var result = Trainer.Fit(network, Stripes(256, 1), validation,
            new TrainerOptions { Epochs = 2, BatchSize = 32, Augmentation = recorder, RestoreBestWeights = false });

        Assert.AreEqual(2 * 256, recorder.Seen.Count, "each of the 256 training images once per epoch, no validation image");
        var validationImages = Enumerable.Range(0, validation.Count).Select(i => validation.Pixels(i)[0]).ToHashSet();
        Assert.IsFalse(recorder.Seen.Any(s => validationImages.Contains(s.Image)), "validation images are never augmented");
        foreach (var image in recorder.Seen.GroupBy(s => s.Image))
            Assert.AreEqual(2, image.Select(s => s.Draw).Distinct().Count(), "a fresh draw for each epoch");
        // The validation loss of the last epoch is the plain evaluation of the final weights.
        Assert.AreEqual(Evaluation.Of(network, validation, new SoftmaxCrossEntropy()).Loss, result.Epochs[^1].ValidationLoss!.Value, 1e-12);
    }

    [TestMethod]
    public void AugmentedBatchesAreTheSameOnOneOrTwoThreads()
    {
        var data = Stripes(40, 1);
        float[] Augmented(int threads)
        {
            var images = new Tensor(40, 1, 6, 6);
            var targets = new Tensor(40);
            var order = Enumerable.Range(0, 40).Reverse().ToArray();
            data.Gather(order, images, targets);
            int saved = CnnParallel.MaxDegreeOfParallelism;
            CnnParallel.MaxDegreeOfParallelism = threads;
            try { new SampleAugmenter(new AugmentationPipeline(new ColorJitter(0.3, 0.3), new Noise()), AugmentTargets.None, 3, data.Layout).Apply(images, targets, order, epoch: 2); }
            finally { CnnParallel.MaxDegreeOfParallelism = saved; }
            return images.Span.ToArray();
        }
        var one = Augmented(1);
        CollectionAssert.AreEqual(one, Augmented(2));
        CollectionAssert.AreEqual(one, Augmented(3));
    }

    [TestMethod]
    public void AugmentationChangesTrainingAndTheSameSeedGivesTheSameWeights()
    {
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 3, Augmentation = new AugmentationPipeline(new ColorJitter(0.3, 0.3), new Noise()) };
        var first = TrainStripes(options).Weights;
        CollectionAssert.AreEqual(first, TrainStripes(options).Weights, "two runs");
        CollectionAssert.AreNotEqual(TrainStripes(new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 3 }).Weights, first, "augmentation changes the training");
    }

    [TestMethod]
    public void AnOpThatChangesTheSizeIsReportedWithBothSizes()
    {
        int saved = CnnParallel.MaxDegreeOfParallelism;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CnnParallel.MaxDegreeOfParallelism = threads;
                var e = Assert.ThrowsExactly<InvalidOperationException>(() => TrainStripes(new TrainerOptions { Epochs = 1, BatchSize = 16, Augmentation = new DropLastRow() }));
                StringAssert.Contains(e.Message, "1×6×6");
                StringAssert.Contains(e.Message, "1×5×6");
            }
        }
        finally { CnnParallel.MaxDegreeOfParallelism = saved; }
    }

    [TestMethod]
    public void KeypointsAndBoxesMoveWithTheImage()
    {
        // 1×8×8 images, targets (x, y, x, y) in pixels, read as two keypoints or as one box
        var random = new Random(5);
        int count = 32;
        var pixels = Enumerable.Range(0, count * 64).Select(_ => (float)random.NextDouble()).ToArray();
        var targets = Enumerable.Range(0, count * 4).Select(_ => (float)random.Next(8)).ToArray();
        var data = ImageDataset.ForRegression(pixels, targets, 4, 1, 8, 8);

        foreach (var mode in new[] { AugmentTargets.Keypoints, AugmentTargets.Boxes })
        {
            var loss = new RecordingLoss(new MeanSquaredError());
            var network = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 64, 4));
            Initializer.Initialize(network, seed: 1);
            Trainer.Fit(network, data, null, new TrainerOptions
            {
                Epochs = 1, BatchSize = count, Loss = loss, Augmentation = new ShiftRight(), AugmentTargets = mode, Seed = 2,
            });
            // the batch holds every image once, in the epoch's shuffled order: compare as sorted rows
            var seen = Enumerable.Range(0, count).Select(i => string.Join(",", loss.Targets[0].Skip(i * 4).Take(4))).Order();
            var expected = Enumerable.Range(0, count).Select(i => string.Join(",", new[] { targets[i * 4] + 1, targets[i * 4 + 1], targets[i * 4 + 2] + 1, targets[i * 4 + 3] })).Order();
            CollectionAssert.AreEqual(expected.ToArray(), seen.ToArray(), $"{mode}: x moves by one pixel, y stays");
            Assert.AreEqual(targets[0], data.Targets(0)[0], "the dataset itself is not changed");
        }
    }

    [TestMethod]
    public void MixupTrainsOnSoftTargetsThatSumToOne()
    {
        var loss = new RecordingLoss(new SoftmaxCrossEntropy(labelSmoothing: 0.1f));
        var (_, result) = TrainStripes(new TrainerOptions { Epochs = 2, BatchSize = 16, Loss = loss, BatchMixing = new Mixup(0.4) });
        Assert.AreEqual(StopReason.Completed, result.StopReason, result.Message);
        var training = loss.Targets.Where(t => t.Length == 16 * 3).ToArray();
        Assert.AreEqual(2 * 256 / 16, training.Length, "soft targets [16, 3] for every training batch");
        Assert.IsTrue(loss.Targets.Except(training).All(t => t.Length == 64), "validation is measured on its plain labels [64]");
        foreach (var batch in training)
            for (int i = 0; i < 16; i++) Assert.AreEqual(1f, batch.Skip(i * 3).Take(3).Sum(), 1e-6f);
        Assert.IsTrue(training.Any(t => t.Any(p => p is > 0.01f and < 0.99f)), "some targets are mixed");
        Assert.IsTrue(result.Epochs[^1].Accuracy is >= 0 and <= 1);
    }

    [TestMethod]
    public void OptionsThatDoNotFitTheDataAreRefused()
    {
        var regression = RegressionTrainerTests.Dots(64, 1);
        var network = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 64, 2));
        Support.ArgumentAssert.Throws(() => Trainer.Fit(network, regression, null, new TrainerOptions { BatchMixing = new CutMix() }),
            "BatchMixing", "CutMix", "regression");
        Support.ArgumentAssert.Throws(() => Trainer.Fit(network, regression, null, new TrainerOptions { AugmentTargets = AugmentTargets.Boxes }),
            "AugmentTargets", "groups of 4", "2 targets");
        Support.ArgumentAssert.Throws(() => Trainer.Fit(SmallCnn(), Stripes(32, 1), null, new TrainerOptions { AugmentTargets = AugmentTargets.Keypoints }),
            "AugmentTargets", "class labels");
    }
}
