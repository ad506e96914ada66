using MLNet.Cnn.Samples.FashionMnist;

namespace MLNet.Cnn.Samples.Tests;

[TestClass]
public sealed class FashionMnistSampleTests
{
    [TestMethod]
    public void TheSampleTrainsEvaluatesDrawsSavesAndReloadsOnASubset()
    {
        if (!Data.FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {Data.FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist (CI installs it).");
        var directory = Directory.CreateTempSubdirectory("cnn-fashion-sample-");
        try
        {
            var output = new StringWriter();
            var options = SampleOptions.Defaults with { Epochs = 2, TrainCount = 3000, TestCount = 500, OutputDirectory = directory.FullName };
            var result = FashionMnistSample.Run(options, output);
            string text = output.ToString();
            Assert.IsTrue(result.MicroAccuracy > 0.7, $"accuracy {result.MicroAccuracy}\n{text}");
            foreach (var file in new[] { "training-curves.png", "confusion-matrix.png", "fashion-mnist-cnn.zip", "filters.png", "feature-maps.png", "grad-cam.png", "top-activations.png" })
                Assert.IsTrue(new FileInfo(Path.Combine(directory.FullName, file)) is { Exists: true, Length: > 1000 }, file);
            StringAssert.Contains(text, "epoch 2/2");
            StringAssert.Contains(text, "img/s");
            StringAssert.Contains(text, "T-shirt/top");
            StringAssert.Contains(text, "the reloaded model");
            StringAssert.Contains(text, "Grad-CAM 7:");
            // Written for deployment: the core's model file, its ONNX export, and the int8 model about a quarter of its size.
            long Size(string file) => new FileInfo(Path.Combine(directory.FullName, file)).Length;
            Assert.IsTrue(Size("fashion-mnist-cnn.cnn") > 100_000 && Size("fashion-mnist-cnn.onnx") > 100_000);
            Assert.IsTrue(Size("fashion-mnist-cnn.int8.onnx") < 0.3 * Size("fashion-mnist-cnn.onnx"), text);
            StringAssert.Contains(text, "calibrated on 1,000 training images");
        }
        finally { directory.Delete(recursive: true); }
    }
}
