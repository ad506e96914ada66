using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class DetectionTrainingTests
{
    internal const int Size = 16;

    /// <summary>Images 1×16×16, dim noise with one bright square of 4–6 pixels a side; its box is the one object (class 0).</summary>
    internal static TensorSource Squares(int count, int seed, int maxObjects = 2)
    {
        var random = new Random(seed);
        var images = new float[count * Size * Size];
        var targets = new float[count * maxObjects * DetectionTargets.RowLength];
        for (int n = 0; n < count; n++)
        {
            var image = images.AsSpan(n * Size * Size, Size * Size);
            for (int k = 0; k < image.Length; k++) image[k] = (float)random.NextDouble() * 0.2f;
            int side = 4 + random.Next(3), x0 = random.Next(Size - side + 1), y0 = random.Next(Size - side + 1);
            for (int i = y0; i < y0 + side; i++)
                for (int j = x0; j < x0 + side; j++) image[i * Size + j] = 1;
            DetectionTargets.Write([new GroundTruthBox(x0, y0, x0 + side, y0 + side, 0)],
                targets.AsSpan(n * maxObjects * 5, maxObjects * 5), maxObjects);
        }
        return new TensorSource(SampleLayout.Detection(1, Size, Size, ["square"], maxObjects), images, targets);
    }

    internal static readonly YoloHead Head = new([5, 5], classCount: 1, stride: 4);

    /// <summary>Two stride-2 convolutions to the 4×4 grid of stride 4, and a 1×1 convolution to the head's 6 channels.</summary>
    private static Sequential TinyDetector() => new("detector",
        new Conv2dLayer("conv1", 1, 8, 3, stride: 2, padding: ConvPadding.Same),
        new ActivationLayer("relu1", new ReLU()),
        new Conv2dLayer("conv2", 8, 16, 3, stride: 2, padding: ConvPadding.Same),
        new ActivationLayer("relu2", new ReLU()),
        new Conv2dLayer("head", 16, Head.Channels, 1));

    [TestMethod]
    public void Fit_with_a_yolo_loss_lowers_the_loss_and_reports_no_metric()
    {
        var network = TinyDetector();
        Initializer.Initialize(network, seed: 5);
        var result = Trainer.Fit(network, Squares(24, 1), Squares(8, 2),
            new TrainerOptions { Epochs = 30, BatchSize = 8, LearningRate = 0.01f, Loss = new YoloLoss(Head) });
        var (first, last) = (result.Epochs[0], result.Epochs[^1]);
        Assert.IsTrue(last.Loss < first.Loss / 2, $"loss {first.Loss} → {last.Loss}");
        Assert.IsTrue(last.ValidationLoss < first.ValidationLoss, $"validation loss {first.ValidationLoss} → {last.ValidationLoss}");
        Assert.IsNull(last.Accuracy);
        Assert.IsNull(last.ValidationAccuracy);
        Assert.IsNull(last.MeanAbsoluteError);
    }

    [TestMethod]
    public void Without_a_loss_or_with_an_output_that_is_not_a_grid_detection_is_refused()
    {
        var data = Squares(4, 1);
        var missing = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(TinyDetector(), data, null, new TrainerOptions { Epochs = 1 }));
        StringAssert.Contains(missing.Message, "Detection has no default loss");
        StringAssert.Contains(missing.Message, "new YoloLoss(head)");

        var flat = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", Size * Size, 6));
        var shape = Assert.ThrowsExactly<ArgumentException>(() =>
            Trainer.Fit(flat, data, null, new TrainerOptions { Epochs = 1, Loss = new YoloLoss(Head) }));
        StringAssert.Contains(shape.Message, "a detector must give [4, channels, rows, columns]");

        var mixing = Assert.ThrowsExactly<ArgumentException>(() =>
            Trainer.Fit(TinyDetector(), data, null, new TrainerOptions { Epochs = 1, Loss = new YoloLoss(Head), BatchMixing = new MLNet.Cnn.Augment.CutMix() }));
        StringAssert.Contains(mixing.Message, "boxes per image (detection)");
        var targets = Assert.ThrowsExactly<ArgumentException>(() =>
            Trainer.Fit(TinyDetector(), data, null, new TrainerOptions { Epochs = 1, Loss = new YoloLoss(Head), AugmentTargets = AugmentTargets.Keypoints }));
        StringAssert.Contains(targets.Message, "Leave AugmentTargets None");
    }

    [TestMethod]
    public void A_validation_fraction_splits_a_detection_source()
    {
        var network = TinyDetector();
        Initializer.Initialize(network, seed: 5);
        var result = Trainer.Fit(network, Squares(12, 1), null,
            new TrainerOptions { Epochs = 2, BatchSize = 4, ValidationFraction = 0.25, Loss = new YoloLoss(Head), Augmentation = new MLNet.Cnn.Augment.HorizontalFlip() });
        Assert.AreEqual(2, result.Epochs.Count);
        Assert.IsTrue(result.Epochs.All(e => e.ValidationLoss is > 0 && double.IsFinite(e.ValidationLoss.Value)));
    }
}
