using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Exports networks covering every layer type, runs them in ONNX Runtime with batches of 1 and 3 (dynamic batch) and
/// compares with <see cref="Layer.Forward"/> at inference.
/// </summary>
[TestClass]
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-5;

    // Whole architectures: 20-50 float32 layers deep, ONNX Runtime's kernels (MLAS, with fused Conv+Add/Clip) and the
    // core's sum in different orders, which moves logits of magnitude ~10 by ~1e-5 (measured: up to 2.2e-5 on a logit of
    // −1.68, the same with graph optimizations off, and identical for batch 1 and 3 on each side). For them the tolerance
    // is 1e-5 relative to the largest logit of the sample batch rather than to each element.

    [TestMethod]
    [DataRow(13)]
    [DataRow(14)]
    public void ConvolutionsNormalizationAndChannelOps(int opset)
    {
        var network = new Sequential("net",
            new Conv2dLayer("conv", 3, 8, 3, stride: 1, padding: 1),
            new BatchNorm2dLayer("bn", 8, epsilon: 1e-3f),
            new PReLULayer("prelu", 8),
            new Conv2dLayer("same", 8, 8, 3, 3, 2, 2, ConvPadding.Same, groups: 4, bias: false),
            new Conv2dLayer("dilated", 8, 6, 3, 1, ConvPadding.Explicit(new Padding2d(2, 1, 0, 2)), dilation: 2),
            new ChannelShuffleLayer("shuffle", 3),
            new LrnLayer("lrn", 3, alpha: 1e-2f, beta: 0.75f, k: 2f),
            new ConvTranspose2dLayer("deconv", 6, 4, 3, stride: 2, padding: 1, outputPadding: 1),
            new ConvTranspose2dLayer("deconv2", 4, 4, 2, stride: 1, groups: 2, dilation: 2, bias: false),
            new PadLayer("zero", new Padding2d(1, 2, 0, 1)),
            new PadLayer("constant", new Padding2d(0, 1, 2, 0), PadMode.Constant, 0.5f),
            new PadLayer("reflect", new Padding2d(2, 1, 1, 2), PadMode.Reflect),
            new PadLayer("edge", new Padding2d(1, 0, 2, 1), PadMode.Replicate));
        AssertSameOutputs(network, [3, 9, 10], opset);
    }

    [TestMethod]
    [DataRow(13)]
    [DataRow(14)]
    public void Activations(int opset)
    {
        Activation[] activations =
            [new ReLU(), new ReLU6(), new LeakyReLU(0.1f), new Sigmoid(), new Tanh(), new HardSigmoid(0.3f, 0.4f), new HardSwish(), new SiLU()];
        foreach (var activation in activations)
        {
            var network = new Sequential("net", new Conv2dLayer("conv", 2, 3, 1), new ActivationLayer("act", activation));
            AssertSameOutputs(network, [2, 5, 4], opset, scale: 8f, because: activation.GetType().Name);
        }
    }

    [TestMethod]
    public void Pooling()
    {
        var network = new Branches("pools",
            new Sequential("a", new MaxPool2dLayer("max", 3, 2, 1, ceilMode: true), new AvgPool2dLayer("avg", 2, 1, ceilMode: false),
                new MaxPool2dLayer("max_same", 3, 1, ConvPadding.Same)),
            new Sequential("b", new AvgPool2dLayer("avg_pad", 3, 2, 1, ceilMode: false, countIncludePad: false),
                new MaxPool2dLayer("max", 2, 1)),
            new Sequential("c", new AvgPool2dLayer("avg_incl", 3, 2, 1, ceilMode: false, countIncludePad: true),
                new MaxPool2dLayer("max", 2, 1)),
            new Sequential("d", new MaxPool2dLayer("max_dil", 2, 2, 1, dilation: 2), new AvgPool2dLayer("avg_ceil", 2, 1, ceilMode: true)),
            new Sequential("e", new MaxPool2dLayer("max_rect", (3, 2), (2, 1), ConvPadding.Explicit(new Padding2d(1, 0, 0, 1))),
                new AvgPool2dLayer("avg_rect", (1, 3), (1, 2), ceilMode: true), new UpsampleLayer("up", 2), new MaxPool2dLayer("max", 4, 2, 1)));
        AssertSameOutputs(network, [3, 11, 11]);
        AssertSameOutputs(new Sequential("g", new Branches("globals", new GlobalAvgPoolLayer("gap"), new GlobalMaxPoolLayer("gmp")),
            new FlattenLayer("flat")), [4, 5, 3]);
    }

    [TestMethod]
    public void CeilModePoolingWithPadding()
    {
        AssertSameOutputs(new MaxPool2dLayer("max", 3, 2, 1, ceilMode: true), [2, 8, 8]);
        AssertSameOutputs(new AvgPool2dLayer("avg", 3, 2, 1, ceilMode: true, countIncludePad: false), [2, 8, 8]);
        AssertSameOutputs(new AvgPool2dLayer("avg", 3, 2, 1, ceilMode: true, countIncludePad: true), [2, 8, 8]);
    }

    [TestMethod]
    public void ContainersAndSlices()
    {
        var network = new Sequential("net",
            new Conv2dLayer("stem", 2, 8, 3, padding: 1),
            new Residual("res", new Sequential("body", new Conv2dLayer("c1", 8, 8, 3, padding: 1), new ActivationLayer("r", new ReLU()))),
            new Residual("proj", new Conv2dLayer("down", 8, 12, 3, stride: 2, padding: 1),
                new Sequential("short", new Conv2dLayer("c", 8, 12, 1, stride: 2), new BatchNorm2dLayer("bn", 12))),
            new Branches("split", new ChannelSlice("x1", 0, 6), new Sequential("x2", new ChannelSlice("slice", 6, 6),
                new Conv2dLayer("c", 6, 6, 1))),
            new Branches("dense", new Identity(), new Conv2dLayer("grow", 12, 4, 3, padding: 1), new Identity("again")),
            new Gate("se", new Sequential("squeeze", new GlobalAvgPoolLayer("gap"), new Conv2dLayer("fc1", 28, 4, 1),
                new ActivationLayer("relu", new ReLU()), new Conv2dLayer("fc2", 4, 28, 1), new ActivationLayer("sig", new Sigmoid()))),
            new DropoutLayer("drop", 0.5f, 3),
            new Identity("tail"));
        AssertSameOutputs(network, [2, 8, 8]);
    }

    [TestMethod]
    public void AnIdentityNetworkStillHasALogitsOutput()
    {
        AssertSameOutputs(new Sequential("net", new DropoutLayer("drop", 0.1f, 1), new Identity()), [2, 3, 3]);
    }

    [TestMethod]
    public void Upsampling()
    {
        var network = new Branches("ups",
            new UpsampleLayer("nearest", 2),
            new UpsampleLayer("bilinear", 2, UpsampleMode.Bilinear),
            new UpsampleLayer("corners", 2, UpsampleMode.Bilinear, alignCorners: true),
            new UpsampleLayer("sized", 12, 14),
            new UpsampleLayer("sized_bilinear", 12, 14, UpsampleMode.Bilinear));
        AssertSameOutputs(network, [2, 6, 7]);
        AssertSameOutputs(new Branches("down", new UpsampleLayer("n", 3, 5), new UpsampleLayer("b", 3, 5, UpsampleMode.Bilinear),
            new UpsampleLayer("c", 3, 5, UpsampleMode.Bilinear, alignCorners: true)), [2, 7, 9]);
    }

    [TestMethod]
    public void DenseHeadsAndSoftmax()
    {
        var network = new Sequential("net",
            new FlattenLayer("flat"),
            new DenseLayer("fc1", 2 * 3 * 3, 7),
            new PReLULayer("prelu"),
            new DenseLayer("fc2", 7, 5, bias: false));
        AssertSameOutputs(network, [2, 3, 3], classes: 5);
        AssertSameOutputs(new Sequential("soft", new FlattenLayer("flat"), new DenseLayer("fc", 18, 4), new SoftmaxLayer("sm")), [2, 3, 3]);
        AssertSameOutputs(new Sequential("logsoft", new FlattenLayer("flat"), new DenseLayer("fc", 18, 4), new SoftmaxLayer("sm", -1, log: true)), [2, 3, 3]);
        AssertSameOutputs(new Sequential("pixels", new Conv2dLayer("c", 2, 4, 1), new SoftmaxLayer("sm", 1)), [2, 3, 3]);
        AssertSameOutputs(new Sequential("prelu4d", new PReLULayer("one"), new PReLULayer("per", 2)), [2, 3, 3]);
    }

    [TestMethod]
    public void LeNet5Classic() => AssertSameOutputs(MLNet.Cnn.Models.LeNet5.Build(), [1, 28, 28], classes: 10);

    [TestMethod]
    public void ResNetSmallTwoStages() => AssertSameOutputs(MLNet.Cnn.Models.ResNetSmall.Build(widths: [4, 8], blocksPerStage: 1), [1, 16, 16], classes: 10);

    [TestMethod]
    public void SmallVggTwoConvolutionsPerStage() =>
        AssertSameOutputs(MLNet.Cnn.Models.SmallVgg.Build(1, 16, 16, 10, widths: [4, 8], convsPerStage: 2, hidden: 16), [1, 16, 16], classes: 10);

    [TestMethod]
    public void MobileNetV2Small() => AssertSameOutputs(MLNet.Cnn.Models.MobileNetV2.Build(3, 5, 0.25), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void ShuffleNetV2Small() => AssertSameOutputs(MLNet.Cnn.Models.ShuffleNetV2.Build(3, 5, 0.5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void GraphSignatureAndMetadata()
    {
        var network = new Sequential("net", new FlattenLayer("flat"), new DenseLayer("fc", 12, 3));
        var model = new CnnModel(network, new TensorShape(3, 2, 2), ["cat", "dog", "bird \"quoted\""],
            new Normalization([0.5f, 0.25f, 0.125f], [0.1f, 0.2f, 0.3f]));
        using var stream = new MemoryStream();
        OnnxExporter.Export(model, stream);
        using var session = new InferenceSession(stream.ToArray());

        var input = session.InputMetadata[OnnxExporter.InputName];
        CollectionAssert.AreEqual(new[] { -1, 3, 2, 2 }, input.Dimensions);
        Assert.AreEqual("N", input.SymbolicDimensions[0]);
        var output = session.OutputMetadata[OnnxExporter.OutputName];
        CollectionAssert.AreEqual(new[] { -1, 3 }, output.Dimensions);

        var map = session.ModelMetadata.CustomMetadataMap;
        CollectionAssert.AreEqual(new[] { "cat", "dog", "bird \"quoted\"" }, JsonSerializer.Deserialize<string[]>(map[OnnxExporter.ClassNamesKey]));
        CollectionAssert.AreEqual(new[] { 3, 2, 2 }, JsonSerializer.Deserialize<int[]>(map[OnnxExporter.InputShapeKey]));
        CollectionAssert.AreEqual(new[] { 0.5f, 0.25f, 0.125f }, JsonSerializer.Deserialize<float[]>(map[OnnxExporter.NormalizationMeanKey]));
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f }, JsonSerializer.Deserialize<float[]>(map[OnnxExporter.NormalizationStdKey]));
        Assert.AreEqual("MLNet.Cnn", session.ModelMetadata.ProducerName);

        var path = Path.Combine(Path.GetTempPath(), $"onnx-export-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path);
            CollectionAssert.AreEqual(stream.ToArray(), File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void AnUnmappedLayerIsNotSupported()
    {
        var network = new Sequential("net", new Conv2dLayer("conv", 1, 2, 1), new Sequential("inner", new Custom("mystery")));
        var model = new CnnModel(network, new TensorShape(1, 4, 4), []);
        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExporter.Export(model, stream));
        StringAssert.Contains(e.Message, "'mystery'");
        StringAssert.Contains(e.Message, nameof(Custom));
        Assert.AreEqual(0, stream.Length, "nothing is written");
    }

    [TestMethod]
    public void OpsetOutOfRangeIsRejected()
    {
        var model = new CnnModel(new Identity(), new TensorShape(1, 2, 2), []);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OnnxExporter.ToBytes(model, 12));
    }

    private sealed class Custom(string name) : Layer(name)
    {
        public override TensorShape OutputShape(TensorShape input) => input;
        public override Tensor Forward(Tensor input, bool training) => input;
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }

    /// <summary>Randomizes the parameters and batch-norm statistics, exports, and compares batches of 1 and 3.</summary>
    private static void AssertSameOutputs(Layer network, int[] imageShape, int opset = 13, int classes = 0, float scale = 2f,
        string because = "", bool wholeTensorScale = false)
    {
        TestNetworks.Randomize(network);
        var model = new CnnModel(network, new TensorShape(imageShape), classes == 0 ? [] : Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray());
        using var session = new InferenceSession(OnnxExporter.ToBytes(model, opset));
        foreach (int batch in new[] { 1, 3 })
        {
            int[] dims = [batch, .. imageShape];
            var input = TestData.Tensor(batch + 17, dims);
            for (int i = 0; i < input.Length; i++) input.Span[i] *= scale;
            var expectedTensor = network.Forward(input, training: false);
            var expectedShape = expectedTensor.Shape.Dimensions.ToArray();
            var expected = expectedTensor.ToArray();

            using var value = OrtValue.CreateTensorValueFromMemory(input.ToArray(), dims.Select(d => (long)d).ToArray());
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
            var actualShape = results[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
            var actual = results[0].GetTensorDataAsSpan<float>().ToArray();

            string what = $"{network.Name} {because} opset {opset} batch {batch}";
            CollectionAssert.AreEqual(expectedShape, actualShape, $"{what}: shape");
            double largest = expected.Max(v => Math.Abs(v));
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, wholeTensorScale ? largest : Math.Abs(expected[i]))))
                    Assert.Fail($"{what}: element {i} is {actual[i]} in ONNX Runtime, {expected[i]} in the core.");
        }
    }
}
