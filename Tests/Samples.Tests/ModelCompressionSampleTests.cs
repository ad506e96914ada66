using MLNet.Cnn.Models;
using MLNet.Cnn.Samples.ModelCompression;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.Tests;

[TestClass]
public sealed class ModelCompressionSampleTests
{
    [TestMethod]
    public void TheSampleWritesAndMeasuresFloatInt8PrunedAndPrunedInt8Models()
    {
        if (!Data.FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {Data.FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist (CI installs it).");
        var directory = Directory.CreateTempSubdirectory("cnn-compression-sample-");
        try
        {
            // A LeNet-5 trained for one epoch on 6,000 images (≈ 80 %): enough for accuracies that mean something.
            var train = Data.FashionMnist.LoadTrain();
            var network = LeNet5.Build();
            Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
            Trainer.Fit(network, train.Subset(Enumerable.Range(0, 6000).ToArray()), null, new TrainerOptions { Epochs = 1, BatchSize = 32 });
            string modelPath = Path.Combine(directory.FullName, "lenet5.cnn");
            ModelFile.Save(new CnnModel(network, new TensorShape(1, 28, 28), Data.FashionMnist.ClassNames), modelPath);

            var output = new StringWriter();
            var options = new CompressionOptions(modelPath, null, directory.FullName, CalibrationImages: 200, Sparsity: 0.8, FineTuneEpochs: 1,
                LatencyRuns: 20, TestCount: 1000, Seed: 1);
            var results = CompressionRun.Run(options, output);
            string text = output.ToString();

            Assert.AreEqual(4, results.Count, text);
            var (dense, int8, pruned, prunedInt8) = (results[0], results[1], results[2], results[3]);
            Assert.IsTrue(dense.Accuracy > 0.7, text);
            Assert.IsTrue(Math.Abs(dense.Accuracy - int8.Accuracy) < 0.02, text);
            Assert.IsTrue(pruned.Accuracy > 0.7 && prunedInt8.Accuracy > 0.7, text);
            Assert.IsTrue(int8.Bytes < 0.35 * dense.Bytes, text);
            Assert.IsTrue(pruned.Bytes > 0.95 * dense.Bytes && pruned.GzipBytes < 0.5 * dense.GzipBytes, "zeros shrink only the compressed file\n" + text);
            Assert.IsTrue(results.All(r => r.MedianMs > 0 && r.P90Ms >= r.MedianMs), text);
            StringAssert.Contains(text, "sparsity");
            Assert.AreEqual(4, Directory.GetFiles(directory.FullName, "fashion-mnist.*.onnx").Length);
            Assert.AreEqual(4 + 4, File.ReadAllLines(Path.Combine(directory.FullName, "compression.md")).Length, "header, blank, table head, rule, 4 rows");
        }
        finally { directory.Delete(recursive: true); }
    }
}
