using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Tests.Onnx.OnnxRuntimeCheck;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Exports small networks covering every layer type and setting, runs them in ONNX Runtime with batches of 1 and 3
/// (dynamic batch) and compares with <see cref="Layer.Forward"/> at inference; the whole architectures are in
/// <see cref="OnnxArchitectureExportTests"/>.
/// </summary>
[TestClass]
public sealed class OnnxExportTests
{
    [TestMethod]
    [DataRow(13)]
    [DataRow(14)]
    [DataRow(OnnxExporter.MaxOpset)]
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
            new LrnLayer("lrn_even", 4, alpha: 0.5f, beta: 0.6f, k: 1.5f),
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
    [DataRow(OnnxExporter.MaxOpset)]
    public void Activations(int opset)
    {
        Activation[] activations =
            [new ReLU(), new ReLU6(), new LeakyReLU(0.1f), new Sigmoid(), new Tanh(), new HardSigmoid(0.3f, 0.4f), new HardSwish(), new SiLU(),
             new Elu(0.5f), new Selu(), new Celu(1.5f), new Softplus(), new Softsign(), new ThresholdedReLU(0.5f), new Exp(), new Log(),
             new Sqrt(), new Neg(), new Abs(), new Reciprocal(), new Erf(), new Atanh()];
        foreach (var activation in activations)
        {
            // Log and Sqrt take |x|, Atanh softsign(x): inputs inside their domains.
            Layer[] into = activation switch { Log or Sqrt => [new ActivationLayer("abs", new Abs())], Atanh => [new ActivationLayer("softsign", new Softsign())], _ => [] };
            var network = new Sequential("net", [new Conv2dLayer("conv", 2, 3, 1), .. into, new ActivationLayer("act", activation)]);
            AssertSameOutputs(network, [2, 5, 4], opset, scale: 8f, because: activation.GetType().Name);
        }
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void Pooling(int opset)
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
        AssertSameOutputs(network, [3, 11, 11], opset);
        AssertSameOutputs(new Sequential("g", new Branches("globals", new GlobalAvgPoolLayer("gap"), new GlobalMaxPoolLayer("gmp")),
            new FlattenLayer("flat")), [4, 5, 3], opset);
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void CeilModePoolingWithPadding(int opset)
    {
        AssertSameOutputs(new MaxPool2dLayer("max", 3, 2, 1, ceilMode: true), [2, 8, 8], opset);
        AssertSameOutputs(new AvgPool2dLayer("avg", 3, 2, 1, ceilMode: true, countIncludePad: false), [2, 8, 8], opset);
        AssertSameOutputs(new AvgPool2dLayer("avg", 3, 2, 1, ceilMode: true, countIncludePad: true), [2, 8, 8], opset);
        // Stride 3 > kernel 2 − padding 1: the window ceil mode adds would start in the right padding and is dropped, on
        // both axes, then (with a rectangular kernel) on the height only while the width keeps its extra window.
        AssertSameOutputs(new MaxPool2dLayer("max_dropped", 2, 3, 1, ceilMode: true), [2, 7, 7], opset);
        AssertSameOutputs(new AvgPool2dLayer("avg_dropped", 2, 3, 1, ceilMode: true, countIncludePad: true), [2, 7, 7], opset);
        AssertSameOutputs(new MaxPool2dLayer("max_mixed", (2, 3), (3, 2), 1, ceilMode: true), [2, 7, 8], opset);
        AssertSameOutputs(new AvgPool2dLayer("avg_mixed", (2, 3), (3, 2), 1, ceilMode: true, countIncludePad: true), [2, 7, 8], opset);
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void ContainersAndSlices(int opset)
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
        AssertSameOutputs(network, [2, 8, 8], opset);
    }

    [TestMethod]
    public void AnIdentityNetworkStillHasALogitsOutput()
    {
        AssertSameOutputs(new Sequential("net", new DropoutLayer("drop", 0.1f, 1), new Identity()), [2, 3, 3]);
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void Upsampling(int opset)
    {
        var network = new Branches("ups",
            new UpsampleLayer("nearest", 2),
            new UpsampleLayer("bilinear", 2, UpsampleMode.Bilinear),
            new UpsampleLayer("corners", 2, UpsampleMode.Bilinear, alignCorners: true),
            new UpsampleLayer("sized", 12, 14),
            new UpsampleLayer("sized_bilinear", 12, 14, UpsampleMode.Bilinear));
        AssertSameOutputs(network, [2, 6, 7], opset);
        AssertSameOutputs(new Branches("down", new UpsampleLayer("n", 3, 5), new UpsampleLayer("b", 3, 5, UpsampleMode.Bilinear),
            new UpsampleLayer("c", 3, 5, UpsampleMode.Bilinear, alignCorners: true)), [2, 7, 9], opset);
        // Sizes where i·in/out is whole and i / (out/in) in float32 falls just short of it (row 7 of 14 → 2, column 5 of
        // 20 → 12), and sides of 1, where bilinear still reads between two pixels.
        AssertSameOutputs(new Branches("exact", new UpsampleLayer("n", 2, 12), new UpsampleLayer("b", 2, 12, UpsampleMode.Bilinear)),
            [2, 14, 20], opset);
        AssertSameOutputs(new Branches("single", new UpsampleLayer("n", 1, 1), new UpsampleLayer("b", 1, 1, UpsampleMode.Bilinear),
            new UpsampleLayer("c", 1, 1, UpsampleMode.Bilinear, alignCorners: true)), [2, 2, 3], opset);
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void DenseHeadsAndSoftmax(int opset)
    {
        var network = new Sequential("net",
            new FlattenLayer("flat"),
            new DenseLayer("fc1", 2 * 3 * 3, 7),
            new PReLULayer("prelu"),
            new DenseLayer("fc2", 7, 5, bias: false));
        AssertSameOutputs(network, [2, 3, 3], opset, classes: 5);
        AssertSameOutputs(new Sequential("soft", new FlattenLayer("flat"), new DenseLayer("fc", 18, 4), new SoftmaxLayer("sm")), [2, 3, 3], opset);
        AssertSameOutputs(new Sequential("logsoft", new FlattenLayer("flat"), new DenseLayer("fc", 18, 4), new SoftmaxLayer("sm", -1, log: true)), [2, 3, 3], opset);
        AssertSameOutputs(new Sequential("pixels", new Conv2dLayer("c", 2, 4, 1), new SoftmaxLayer("sm", 1)), [2, 3, 3], opset);
        AssertSameOutputs(new Sequential("prelu4d", new PReLULayer("one"), new PReLULayer("per", 2)), [2, 3, 3], opset);
    }

    [TestMethod]
    [DataRow(OnnxExporter.MinOpset)]
    [DataRow(OnnxExporter.MaxOpset)]
    public void AnImportedNetworkUnderANewHead(int opset)
    {
        var head = new Sequential("net", Imported(opset), new FlattenLayer("flat"), new DenseLayer("head", 4, 3));
        AssertSameOutputs(head, [2, 6, 6], opset, classes: 3);
    }

    [TestMethod]
    public void AnImportedNetworkOfAnotherOpsetIsNotSupported()
    {
        var imported = Imported(OnnxExporter.MinOpset);
        var model = new CnnModel(new Sequential("net", imported, new FlattenLayer("flat")), new TensorShape(2, 6, 6), []);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExporter.ToBytes(model, OnnxExporter.MinOpset + 1));
        StringAssert.Contains(e.Message, $"'{imported.Name}'");
        StringAssert.Contains(e.Message, $"opset {OnnxExporter.MinOpset}");
    }

    /// <summary>A small convolutional backbone, exported at <paramref name="opset"/> and imported back.</summary>
    private static OnnxNetwork Imported(int opset)
    {
        var backbone = new Sequential("backbone", new Conv2dLayer("conv", 2, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()), new GlobalAvgPoolLayer("gap"));
        return OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(new CnnModel(backbone, new TensorShape(2, 6, 6), []), opset)));
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
    public void AnUnmappedActivationIsNotSupported()
    {
        var model = new CnnModel(new Sequential("net", new ActivationLayer("odd", new Unmapped())), new TensorShape(1, 2, 2), []);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExporter.ToBytes(model));
        StringAssert.Contains(e.Message, "'odd'");
        StringAssert.Contains(e.Message, nameof(Unmapped));
    }

    [TestMethod]
    public void OpsetOutOfRangeIsRejected()
    {
        var model = new CnnModel(new Identity(), new TensorShape(1, 2, 2), []);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OnnxExporter.ToBytes(model, 12));
    }

    /// <summary>An activation the exporter has no mapping for (y = x).</summary>
    private sealed class Unmapped : Activation
    {
        public override SavedTensor BackwardUses => SavedTensor.Input;
        private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => x.CopyTo(y);
        private protected override void BackwardTile(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, Span<float> dx, VectorWidth width) =>
            dy.CopyTo(dx);
    }

    private sealed class Custom(string name) : Layer(name)
    {
        public override TensorShape OutputShape(TensorShape input) => input;
        public override Tensor Forward(Tensor input, bool training) => input;
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }
}
