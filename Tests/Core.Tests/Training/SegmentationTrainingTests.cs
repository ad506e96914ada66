using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class SegmentationTrainingTests
{
    /// <summary>
    /// Images 1×16×16 of uniform noise smoothed over 2×2 blocks; a pixel is class 1 where its value exceeds ½, else 0; one
    /// pixel in 16 carries the ignore label 255.
    /// </summary>
    internal static TensorSource Thresholded(int count, int seed, int? ignoreLabel = 255)
    {
        const int size = 16, plane = size * size;
        var random = new Random(seed);
        var images = new float[count * plane];
        var maps = new float[count * plane];
        for (int n = 0; n < count; n++)
            for (int i = 0; i < size; i += 2)
                for (int j = 0; j < size; j += 2)
                {
                    float v = (float)random.NextDouble();
                    for (int di = 0; di < 2; di++)
                        for (int dj = 0; dj < 2; dj++)
                        {
                            int k = n * plane + (i + di) * size + j + dj;
                            images[k] = v;
                            maps[k] = ignoreLabel is { } ignore && random.Next(16) == 0 ? ignore : v > 0.5f ? 1 : 0;
                        }
                }
        return new TensorSource(SampleLayout.Segmentation(1, size, size, ["background", "bright"], ignoreLabel), images, maps);
    }

    internal static Sequential TwoLayerNet() => new("net",
        new Conv2dLayer("conv1", 1, 4, 3, padding: ConvPadding.Same),
        new ActivationLayer("relu", new ReLU()),
        new Conv2dLayer("conv2", 4, 2, 1));

    [TestMethod]
    public void Fit_lowers_the_pixel_loss_and_reaches_a_high_pixel_accuracy_on_and_off_the_training_set()
    {
        var network = TwoLayerNet();
        Initializer.Initialize(network, seed: 3);
        var result = Trainer.Fit(network, Thresholded(16, 1), Thresholded(8, 2),
            new TrainerOptions { Epochs = 40, BatchSize = 4, LearningRate = 0.03f, Seed = 2 });
        var (first, last) = (result.Epochs[0], result.Epochs[^1]);
        Assert.IsTrue(last.Loss < first.Loss / 3, $"loss {first.Loss} → {last.Loss}");
        Assert.IsTrue(last.Accuracy > 0.95, $"pixel accuracy {last.Accuracy}");
        Assert.IsTrue(last.ValidationAccuracy > 0.95, $"validation pixel accuracy {last.ValidationAccuracy}");
        Assert.IsNull(last.MeanAbsoluteError);

        // the validation figure is the pixel accuracy of one confusion matrix over the source
        var metrics = SegmentationEvaluation.Of(network, Thresholded(8, 2), batchSize: 3);
        Assert.AreEqual(metrics.PixelAccuracy, result.Epochs[result.BestEpoch!.Value - 1].ValidationAccuracy!.Value, 1e-12);
        Assert.IsTrue(metrics.MeanIoU > 0.9, $"mIoU {metrics.MeanIoU}");
    }

    [TestMethod]
    public void Fit_with_augmentation_and_a_validation_fraction_trains_the_masks_with_the_pixels()
    {
        var network = TwoLayerNet();
        Initializer.Initialize(network, seed: 3);
        var options = new TrainerOptions
        {
            Epochs = 25, BatchSize = 4, LearningRate = 0.03f, ValidationFraction = 0.25,
            Augmentation = new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(16, 16, padding: 2)),
        };
        var result = Trainer.Fit(network, Thresholded(16, 1), null, options);
        var last = result.Epochs[^1];
        Assert.IsNotNull(last.ValidationLoss);
        Assert.IsTrue(last.ValidationAccuracy > 0.9, $"validation pixel accuracy {last.ValidationAccuracy}");
    }

    [TestMethod]
    public void A_network_of_the_wrong_shape_augmented_targets_and_batch_mixing_are_refused()
    {
        var data = Thresholded(4, 1);
        var classifier = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 256, 2));
        var shape = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(classifier, data, null, new TrainerOptions { Epochs = 1 }));
        StringAssert.Contains(shape.Message, "a segmentation network for the 2 classes of this dataset must give [4, 2, 16, 16]");
        var threeClasses = new Sequential("net", new Conv2dLayer("conv", 1, 3, 1));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(threeClasses, data, null, new TrainerOptions { Epochs = 1 })).Message,
            "to [4, 3, 16, 16]");

        var targets = Assert.ThrowsExactly<ArgumentException>(() =>
            Trainer.Fit(TwoLayerNet(), data, null, new TrainerOptions { Epochs = 1, Augmentation = new HorizontalFlip(), AugmentTargets = AugmentTargets.Boxes }));
        StringAssert.Contains(targets.Message, "a class map per image (segmentation)");
        StringAssert.Contains(targets.Message, "Leave AugmentTargets None");

        var mixing = Assert.ThrowsExactly<ArgumentException>(() =>
            Trainer.Fit(TwoLayerNet(), data, null, new TrainerOptions { Epochs = 1, BatchMixing = new Mixup(0.2) }));
        StringAssert.Contains(mixing.Message, "mixes class labels; this dataset holds a class map per image");

        var classification = new TensorSource(SampleLayout.Classification(1, 16, 16, ["a", "b"]), new float[4 * 256], new float[4]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(TwoLayerNet(), data, classification, new TrainerOptions { Epochs = 1 })).Message,
            "The validation set has 2 classes of 1×16×16 images; the training set segmentation into 2 classes");
    }

    [TestMethod]
    public void A_cancelled_segmentation_run_resumes_to_the_uninterrupted_weights_and_a_checkpoint_of_another_layout_is_refused()
    {
        float[] Weights(Sequential network) => network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();
        TrainingResult Fit(Sequential network, TensorSource data, CheckpointOptions? checkpoints, CancellationToken cancel = default, IProgress<TrainingProgress>? progress = null)
        {
            Initializer.Initialize(network, seed: 3);
            return Trainer.Fit(network, data, null, new TrainerOptions
            {
                Epochs = 3, BatchSize = 4, LearningRate = 0.03f, Checkpoints = checkpoints, Progress = progress, ProgressInterval = 1,
                Augmentation = new HorizontalFlip(),
            }, cancel);
        }

        var uninterrupted = TwoLayerNet();
        Fit(uninterrupted, Thresholded(16, 1), null);
        using var folder = new TemporaryFolder();
        using var cancel = new CancellationTokenSource();
        var first = TwoLayerNet();
        var stopped = Fit(first, Thresholded(16, 1), new CheckpointOptions { Directory = folder.Path }, cancel.Token,
            new Progress(p => { if (p is { Epoch: 2, Batch: 2, IsEpochEnd: false }) cancel.Cancel(); }));
        Assert.AreEqual(StopReason.Cancelled, stopped.StopReason);
        var resumed = TwoLayerNet();
        var result = Fit(resumed, Thresholded(16, 1), new CheckpointOptions { Directory = folder.Path });
        Assert.IsNotNull(result.ResumedFrom);
        CollectionAssert.AreEqual(Weights(uninterrupted), Weights(resumed));

        var other = Assert.ThrowsExactly<InvalidOperationException>(() =>
            Fit(TwoLayerNet(), Thresholded(16, 1, ignoreLabel: null), new CheckpointOptions { Directory = folder.Path }));
        StringAssert.Contains(other.Message, "(ignore label 255)");
        StringAssert.Contains(other.Message, "(no ignore label)");
    }

    /// <summary>Reports synchronously, on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
