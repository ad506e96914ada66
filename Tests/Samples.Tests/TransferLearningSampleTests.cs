using MLNet.Cnn.Samples.TransferLearning;

namespace MLNet.Cnn.Samples.Tests;

[TestClass]
public sealed class TransferLearningSampleTests
{
    [TestMethod]
    public void TheSamplePretrainsSavesTransfersAndTrainsFromScratchOnASmallRun()
    {
        if (!Data.FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {Data.FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist (CI installs it).");
        var directory = Directory.CreateTempSubdirectory("cnn-transfer-sample-");
        try
        {
            var output = new StringWriter();
            var options = new TransferOptions(PretrainEpochs: 1, PretrainPerClass: 400, Epochs: 5, PerClass: 20, OutputDirectory: directory.FullName);
            var result = TransferSample.Run(options, output);
            string text = output.ToString();
            Assert.IsTrue(result.TransferAccuracy > 0.6 && result.ScratchAccuracy > 0.3, $"{result}\n{text}");
            Assert.IsTrue(new FileInfo(Path.Combine(directory.FullName, "small-vgg-classes-0-4.cnn")) is { Exists: true, Length: > 10_000 });
            StringAssert.Contains(text, "100 training images (20 per class), 5,000 test images");
            StringAssert.Contains(text, "policy FreezeAll");
            StringAssert.Contains(text, "computed once and cached");
            StringAssert.Contains(text, "Ankle boot");
        }
        finally { directory.Delete(recursive: true); }
    }
}
