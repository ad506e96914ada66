using MLNet.Cnn.Detection;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

/// <summary>
/// A classifier run as sliding windows in one convolutional pass: every position of the score map equals the classifier
/// on the window it stands for (networks without padding, where the two are the same computation), the stride is the
/// product of the feature layers' strides, and networks it cannot convert are refused by name.
/// </summary>
[TestClass]
public sealed class SlidingWindowClassifierTests
{
    /// <summary>1×12×12 → conv 3×3 → ReLU → max pool 2 → conv 3×3 → ReLU: [6, 3, 3] features, then the given head.</summary>
    private static CnnModel Classifier(params Layer[] head)
    {
        var network = new Sequential("net",
            new Sequential("features",
                new Conv2dLayer("conv1", 1, 4, 3), new ActivationLayer("act1", new ReLU()), new MaxPool2dLayer("pool1", 2),
                new Conv2dLayer("conv2", 4, 6, 3), new ActivationLayer("act2", new ReLU())),
            new Sequential("head", head));
        TestNetworks.Randomize(network);
        return new CnnModel(network, new TensorShape(1, 12, 12), head.OfType<DenseLayer>().Any() ? ["a", "b", "c"] : []);
    }

    private static CnnModel DenseHead() => Classifier(
        new FlattenLayer("flatten"), new DenseLayer("fc1", 6 * 3 * 3, 8), new ActivationLayer("act3", new Tanh()),
        new DropoutLayer("drop", 0.5f, 1), new DenseLayer("fc2", 8, 3));

    [TestMethod]
    public void EveryPositionOfTheMapIsTheClassifierOnItsWindow()
    {
        AssertEveryWindow(DenseHead(), height: 20, width: 17);
    }

    [TestMethod]
    public void AGlobalPoolingHeadBecomesAPoolingOverOneWindow()
    {
        AssertEveryWindow(Classifier(new GlobalAvgPoolLayer("gap"), new FlattenLayer("flatten"), new DenseLayer("fc", 6, 3)), height: 15, width: 14);
    }

    private static void AssertEveryWindow(CnnModel model, int height, int width)
    {
        var windows = SlidingWindowClassifier.From(model);
        Assert.AreEqual((2, 2), windows.Stride, "the stride is the pooling's");
        var image = TestData.Tensor(3, 1, 1, height, width);
        var map = windows.Scores(image);
        int rows = (height - 12) / 2 + 1, columns = (width - 12) / 2 + 1;
        Assert.AreEqual(new TensorShape(1, 3, rows, columns), map.Shape);

        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                var (y, x) = windows.WindowAt(i, j);
                var crop = new Tensor(1, 1, 12, 12);
                for (int r = 0; r < 12; r++)
                    image.Span.Slice((y + r) * width + x, 12).CopyTo(crop.Span.Slice(r * 12, 12));
                var expected = model.Network.Forward(crop, training: false);
                for (int k = 0; k < 3; k++)
                    Assert.AreEqual(expected.Span[k], map.Span[(k * rows + i) * columns + j], 1e-5f, $"class {k} of the window at ({y}, {x})");
            }
    }

    [TestMethod]
    public void TheClassifierItselfIsNotChanged()
    {
        var model = DenseHead();
        var before = model.Network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();
        var windows = SlidingWindowClassifier.From(model);
        foreach (var p in windows.Network.AllParameters()) p.Value.Span.Fill(0);
        CollectionAssert.AreEqual(before, model.Network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray());
    }

    [TestMethod]
    public void LeNet5RunsOverALargerImage()
    {
        var model = new CnnModel(LeNet5.Build(), new TensorShape(1, 28, 28), [.. Enumerable.Range(0, 10).Select(i => $"{i}")]);
        var windows = SlidingWindowClassifier.From(model);
        Assert.AreEqual((4, 4), windows.Stride);
        Assert.AreEqual(new TensorShape(2, 10, 5, 9), windows.Scores(new Tensor(2, 1, 44, 60)).Shape);
    }

    [TestMethod]
    public void NetworksWithoutADenseHeadOtherHeadLayersAndTooSmallImagesAreRefused()
    {
        var noFlatten = Classifier(new GlobalAvgPoolLayer("gap"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SlidingWindowClassifier.From(noFlatten)).Message, "no flatten");

        var slopeAfterFlatten = Classifier(new FlattenLayer("flatten"), new DenseLayer("fc", 54, 3), new PReLULayer("prelu", 3, 0.25f));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SlidingWindowClassifier.From(slopeAfterFlatten)).Message, "prelu (PReLULayer)");

        var windows = SlidingWindowClassifier.From(DenseHead());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => windows.Scores(new Tensor(1, 1, 10, 20))).Message, "H ≥ 12");
    }
}
