using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Imports the shared PyTorch-exported models (../shared/models) and compares with PyTorch's logits (.npy) and with
/// ONNX Runtime, for a batch of 1 and of 7 (dynamic batch); cuts the trained model at its features and fine-tunes it.
/// </summary>
[TestClass]
public sealed class OnnxImportTests
{
    private const double Tolerance = 1e-4;
    private const string Fmnist = "fmnist-resnet-small.onnx";

    [TestMethod]
    [DataRow("squeezenet1_1")]
    [DataRow("mobilenet_v2_x0_5")]
    public void ReproducesPyTorchLogits(string name)
    {
        var network = OnnxImporter.Load(TestModels.PathOf($"{name}.onnx"));
        var (input, inputShape) = NpyFile.Read(TestModels.PathOf($"{name}.input.npy"));
        var (expected, expectedShape) = NpyFile.Read(TestModels.PathOf($"{name}.logits.npy"));

        var output = network.Forward(Tensor.FromArray(input, inputShape), training: false);
        CollectionAssert.AreEqual(expectedShape, output.Shape.Dimensions.ToArray(), $"{name}: shape");
        AssertClose(expected, output.ToArray(), name);

        // One image at a time gives the same rows: the batch is not fixed by the file.
        int imageSize = input.Length / inputShape[0], classes = expectedShape[1];
        var single = network.Forward(Tensor.FromArray(input[..imageSize], [1, .. inputShape[1..]]), training: false);
        AssertClose(expected[..classes], single.ToArray(), $"{name} batch 1");
    }

    [TestMethod]
    public void ChangedWeightsSaveBackToTheirInitializers()
    {
        // SqueezeNet's weights reach their Conv nodes through Identity nodes: the saved file must update the initializers.
        var network = OnnxImporter.Load(TestModels.PathOf("squeezenet1_1.onnx"));
        int seed = 0;
        foreach (var parameter in network.AllParameters())
        {
            var noise = TestData.Floats(seed++, parameter.Value.Length, 0.01f);
            for (int i = 0; i < noise.Length; i++) parameter.Value.Span[i] += noise[i];
        }
        var (input, inputShape) = NpyFile.Read(TestModels.PathOf("squeezenet1_1.input.npy"));
        var images = Tensor.FromArray(input, inputShape);
        using var session = new InferenceSession(network.ToOnnxBytes());
        AssertClose(network.Forward(images, training: false).ToArray(), OrtRun.Output(session, images, "logits").Values, "saved SqueezeNet");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    public void TrainedModelMatchesOnnxRuntime(int batch)
    {
        string path = TestModels.PathOf(Fmnist);
        var images = FashionMnistImages(batch);
        var network = OnnxImporter.Load(path);
        CollectionAssert.AreEqual(new[] { "logits", "features" }, network.OutputNames.ToArray());
        using var session = new InferenceSession(path);
        foreach (string output in network.OutputNames)
        {
            network.OutputName = output;
            var actual = network.Forward(images, training: false);
            CollectionAssert.AreEqual(network.OutputShape(images.Shape).Dimensions.ToArray(), actual.Shape.Dimensions.ToArray(), $"{output}: inferred shape");
            var (expected, expectedShape) = OrtRun.Output(session, images, output);
            CollectionAssert.AreEqual(expectedShape, actual.Shape.Dimensions.ToArray(), $"{output}: shape");
            AssertClose(expected, actual.ToArray(), $"{output} batch {batch}");
        }
    }

    [TestMethod]
    public void CutAtFeaturesIsTheBackbone()
    {
        var whole = OnnxImporter.Load(TestModels.PathOf(Fmnist));
        var backbone = OnnxImporter.Load(TestModels.PathOf(Fmnist), cutAt: "features");
        CollectionAssert.AreEqual(new[] { "features" }, backbone.OutputNames.ToArray());
        Assert.AreEqual(64 * 10 + 10, whole.ParameterCount - backbone.ParameterCount, "the classifier's weights are left out");
        foreach (int batch in new[] { 1, 7 })
        {
            var features = backbone.Forward(FashionMnistImages(batch), training: false);
            CollectionAssert.AreEqual(new[] { batch, 64 }, features.Shape.Dimensions.ToArray());
        }
        // A node's name stands for its output; a name the graph does not have is refused.
        var byNode = OnnxImporter.Load(TestModels.PathOf(Fmnist), cutAt: "/Flatten");
        CollectionAssert.AreEqual(new[] { "features" }, byNode.OutputNames.ToArray());
        var error = Assert.ThrowsExactly<ArgumentException>(() => OnnxImporter.Load(TestModels.PathOf(Fmnist), cutAt: "no such value"));
        StringAssert.Contains(error.Message, "'no such value'");
    }

    [TestMethod]
    public void SgdStepsLowerTheLossOfTheImportedModel()
    {
        var network = OnnxImporter.Load(TestModels.PathOf(Fmnist));
        network.InputGradientNeeded = false;
        var test = FashionMnistOrSkip();
        const int batch = 16;
        var images = new Tensor(batch, 1, 28, 28);
        var labels = new Tensor(batch);
        test.Gather(Enumerable.Range(0, batch).ToArray(), images, labels);
        var loss = new SoftmaxCrossEntropy();
        var optimizer = new Sgd(network.AllParameters(), learningRate: 0.05f);
        var losses = new List<double>();
        for (int step = 0; step < 5; step++)
        {
            var logits = network.Forward(images, training: true);
            var gradient = new Tensor(logits.Shape);
            losses.Add(loss.Compute(logits, labels, gradient));
            network.Backward(gradient);
            optimizer.Step();
        }
        Assert.IsTrue(losses[^1] < losses[0], $"losses: {string.Join(", ", losses)}");

        // The fine-tuned weights saved back as ONNX give ONNX Runtime the network's logits.
        using var session = new InferenceSession(network.ToOnnxBytes());
        var expected = network.Forward(images, training: false).ToArray();
        AssertClose(expected, OrtRun.Output(session, images, "logits").Values, "fine-tuned model saved as ONNX");
    }

    private static Tensor FashionMnistImages(int count)
    {
        var test = FashionMnistOrSkip();
        var images = new Tensor(count, 1, 28, 28);
        test.Gather(Enumerable.Range(0, count).ToArray(), images, new Tensor(count));
        return images;
    }

    private static ImageDataset FashionMnistOrSkip()
    {
        if (!FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {FashionMnist.DebianDirectory} (apt-get install dataset-fashion-mnist).");
        return FashionMnist.LoadTest();
    }

    /// <summary>An imported backbone under a new head exports as one graph (the imported nodes copied in, renamed).</summary>
    [TestMethod]
    public void AnImportedBackboneUnderANewHeadExportsToOnnx()
    {
        var backbone = OnnxImporter.Load(TestModels.PathOf("fmnist-resnet-small.onnx"), cutAt: "features");
        var head = new DenseLayer("head", 64, 3);
        Initializer.Initialize(head, seed: 2);
        var network = new Sequential("transfer", backbone, head);
        var model = new CnnModel(network, new TensorShape(1, 28, 28), ["a", "b", "c"]);
        var images = new Tensor(3, 1, 28, 28);
        var random = new Random(4);
        foreach (ref float v in images.Span) v = (float)random.NextDouble();
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        AssertClose(network.Forward(images, training: false).ToArray(), OrtRun.Output(session, images, OnnxExporter.OutputName).Values, "backbone + head");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= Tolerance))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]}.");
    }
}
