using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>End to end on the real data (Debian package dataset-fashion-mnist); skipped with a message when absent.</summary>
[TestClass]
public sealed class FashionMnistTests
{
    [TestMethod]
    public void LeNet5LearnsFashionMnistInOneShortEpoch()
    {
        if (!FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not installed in {FashionMnist.DebianDirectory} (apt-get install -y dataset-fashion-mnist).");
        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        Assert.AreEqual((60000, 10000, 1, 28, 28), (train.Count, test.Count, train.Channels, train.Height, train.Width));
        var network = LeNet5.Build();
        Initializer.Initialize(network, seed: 1);
        var subset = train.Subset(Enumerable.Range(0, 12000).ToArray());
        var result = Trainer.Fit(network, subset, null, new TrainerOptions { Epochs = 1, BatchSize = 64 });
        var evaluation = Evaluation.Of(network, test.Subset(Enumerable.Range(0, 2000).ToArray()), new SoftmaxCrossEntropy());
        Assert.IsTrue(evaluation.Accuracy > 0.75, $"test accuracy after one epoch on 12,000 images: {evaluation.Accuracy:F4}");
        Assert.AreEqual(StopReason.Completed, result.StopReason);
    }

    [TestMethod]
    public void ATruncatedIdxFileGivesAClearError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}-idx3-ubyte");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        try
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.ReadBytes(path));
            StringAssert.Contains(e.Message, "truncated");
            StringAssert.Contains(e.Message, path);
        }
        finally { File.Delete(path); }
    }
}
