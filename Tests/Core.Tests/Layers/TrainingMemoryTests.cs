using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// Training holds fewer buffers without changing a bit: gradient buffers are shared along the backward pass
/// (<see cref="GradientBuffers"/>) and activations that need only their output run in place after a convolution,
/// batch norm or residual block.
/// </summary>
[TestClass]
public sealed class TrainingMemoryTests
{
    /// <summary>One training step of a small ResNet and a MobileNetV2 block stack: output, input gradient and every parameter gradient.</summary>
    private static float[] TrainingStep(bool sharedBuffers, bool inPlace, Func<Layer> build, TensorShape input)
    {
        var (savedShared, savedInPlace) = (GradientBuffers.Shared, ActivationLayer.InPlaceAllowed);
        try
        {
            (GradientBuffers.Shared, ActivationLayer.InPlaceAllowed) = (sharedBuffers, inPlace);
            var network = build();
            Initializer.Initialize(network, seed: 3);
            var x = TestData.Tensor(4, input);
            float[] result = [];
            for (int step = 0; step < 2; step++)   // the second step runs on buffers the first one gave back
            {
                var y = network.Forward(x, training: true);
                var dy = TestData.Tensor(5 + step, y.Shape);
                var dx = network.Backward(dy);
                result = [.. y.Span, .. dx.Span, .. network.AllParameters().SelectMany(p => p.Gradient.ToArray())];
            }
            return result;
        }
        finally { (GradientBuffers.Shared, ActivationLayer.InPlaceAllowed) = (savedShared, savedInPlace); }
    }

    public static IEnumerable<object[]> Networks() =>
    [
        ["small ResNet", (Func<Layer>)(() => ResNetSmall.Build(1, 10)), new TensorShape(3, 1, 12, 12)],
        ["MobileNetV2", (Func<Layer>)(() => MobileNetV2.Build(3, 5, widthMultiplier: 0.25, dropout: 0f)), new TensorShape(2, 3, 32, 32)],
        ["ResNet-18", (Func<Layer>)(() => ResNet.Build(18, 3, 4)), new TensorShape(2, 3, 32, 32)],
    ];

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void SharedGradientBuffersAndInPlaceActivationsChangeNoBit(string name, Func<Layer> build, TensorShape input)
    {
        var plain = TrainingStep(sharedBuffers: false, inPlace: false, build, input);
        CollectionAssert.AreEqual(plain, TrainingStep(sharedBuffers: true, inPlace: false, build, input), $"{name}: shared gradient buffers");
        CollectionAssert.AreEqual(plain, TrainingStep(sharedBuffers: false, inPlace: true, build, input), $"{name}: in-place activations");
        CollectionAssert.AreEqual(plain, TrainingStep(sharedBuffers: true, inPlace: true, build, input), $"{name}: both");
    }

    [TestMethod]
    public void ConsecutiveLayersOfOneShapeShareAGradientBuffer()
    {
        // conv → BN → ReLU → conv → BN → ReLU on one shape: the second convolution's input gradient is consumed by the first
        // ReLU's backward, given back, and rented again by the first convolution's backward two layers later.
        var network = new Sequential("net",
            new Conv2dLayer("conv1", 4, 4, 3, padding: 1), new BatchNorm2dLayer("bn1", 4), new ActivationLayer("relu1", new ReLU()),
            new Conv2dLayer("conv2", 4, 4, 3, padding: 1), new BatchNorm2dLayer("bn2", 4), new ActivationLayer("relu2", new ReLU()));
        Initializer.Initialize(network, seed: 1);
        var x = TestData.Tensor(2, 2, 4, 5, 5);
        network.Forward(x, training: true);
        var dy = TestData.Tensor(3, 2, 4, 5, 5);
        var layers = network.Children;
        // Run the chain by hand as Sequential does, keeping every returned gradient.
        var grads = new List<Tensor>();
        var g = dy;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var next = layers[i].Backward(g);
            if (i + 1 < layers.Count && !next.SharesStorageWith(g)) layers[i + 1].ReleaseGradInput();
            grads.Add(g = next);
        }
        int distinct = grads.Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.IsTrue(distinct <= 3, $"six layers of one shape used {distinct} gradient buffers; expected at most 3 when shared");
    }

    [TestMethod]
    public void AFinishedTrainingRunLeavesNoGradientBuffersBehind()
    {
        var network = ResNetSmall.Build(1, 3, widths: [4, 8, 8]);
        Initializer.Initialize(network, seed: 2);
        network.Forward(TestData.Tensor(6, 3, 1, 6, 6), training: true);
        network.Backward(TestData.Tensor(7, 3, 3));
        Assert.IsTrue(GradientBuffers.Pooled > 0, "a backward pass outside a training run leaves its given-back buffers in the pool");
        Trainer.Fit(network, MLNet.Cnn.Tests.Training.TrainerTests.Stripes(12, 1), null, new TrainerOptions { Epochs = 1, BatchSize = 4 });
        Assert.AreEqual(0, GradientBuffers.Pooled, "Trainer.Fit trims the pool when it ends");
    }

    [TestMethod]
    public void AnActivationRunsInPlaceOnlyWhereNothingElseReadsItsInput()
    {
        var relu = new ActivationLayer("relu", new ReLU());
        Assert.IsTrue(relu.CanRunInPlaceAfter(new Conv2dLayer("c", 1, 1, 1)));
        Assert.IsTrue(relu.CanRunInPlaceAfter(new BatchNorm2dLayer("bn", 1)));
        Assert.IsFalse(new ActivationLayer("silu", new SiLU()).CanRunInPlaceAfter(new BatchNorm2dLayer("bn", 1)), "SiLU's backward needs its input");
        Assert.IsFalse(relu.CanRunInPlaceAfter(new ActivationLayer("sigmoid", new Sigmoid())), "a sigmoid's backward needs its output");
        Assert.IsFalse(relu.CanRunInPlaceAfter(new FlattenLayer("flatten")), "a flatten's output is a view of its input");
    }
}
