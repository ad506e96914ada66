using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Networks of the core exported with <see cref="OnnxExporter"/> and imported back: the same outputs at inference, the
/// same gradients (of every parameter and of the input) in training, and clear errors for what the importer refuses.
/// </summary>
[TestClass]
public sealed class OnnxImportRoundTripTests
{
    private const double Tolerance = 1e-5;

    public static IEnumerable<object[]> Networks() =>
    [
        [new Sequential("convs",
            new Conv2dLayer("conv", 3, 8, 3, stride: 1, padding: 1),
            new BatchNorm2dLayer("bn", 8, epsilon: 1e-3f),
            new PReLULayer("prelu", 8),
            new Conv2dLayer("same", 8, 8, 3, 3, 2, 2, ConvPadding.Same, groups: 4, bias: false),
            new Conv2dLayer("dilated", 8, 6, 3, 1, ConvPadding.Explicit(new Padding2d(2, 1, 0, 2)), dilation: 2),
            new Conv2dLayer("rect", 6, 6, 1, 3, 1, 2, ConvPadding.Explicit(new Padding2d(0, 1, 0, 1))),
            new LrnLayer("lrn", 3, alpha: 1e-2f, beta: 0.75f, k: 2f),
            new ConvTranspose2dLayer("deconv", 6, 4, 3, stride: 2, padding: 1, outputPadding: 1),
            new PadLayer("zero", new Padding2d(1, 2, 0, 1)),
            new PadLayer("constant", new Padding2d(0, 1, 2, 0), PadMode.Constant, 0.5f),
            new PadLayer("reflect", new Padding2d(2, 1, 1, 2), PadMode.Reflect),
            new PadLayer("edge", new Padding2d(1, 0, 2, 1), PadMode.Replicate),
            new UpsampleLayer("up", 2), new UpsampleLayer("bilinear", 2, UpsampleMode.Bilinear),
            new UpsampleLayer("corners", 2, UpsampleMode.Bilinear, alignCorners: true)), new[] { 3, 5, 4 }],
        [new Sequential("activations", new Conv2dLayer("conv", 2, 4, 1), new ActivationLayer("relu6", new ReLU6()),
            new ActivationLayer("clip", new Clip(-0.5f, 0.7f)), new ActivationLayer("leaky", new LeakyReLU(0.1f)), new ActivationLayer("tanh", new Tanh()),
            new ActivationLayer("hsig", new HardSigmoid(0.3f, 0.4f)), new ActivationLayer("hswish", new HardSwish()),
            new ActivationLayer("silu", new SiLU()), new ActivationLayer("sig", new Sigmoid()), new ActivationLayer("relu", new ReLU())),
            new[] { 2, 5, 4 }],
        [new Branches("pools",
            new Sequential("a", new MaxPool2dLayer("max", 3, 2, 1, ceilMode: true), new AvgPool2dLayer("avg", 2, 1),
                new MaxPool2dLayer("max_same", 3, 1, ConvPadding.Same)),
            new Sequential("b", new AvgPool2dLayer("avg_pad", 3, 2, 1, countIncludePad: false), new MaxPool2dLayer("max", 2, 1)),
            new Sequential("c", new AvgPool2dLayer("avg_incl", 3, 2, 1, countIncludePad: true), new MaxPool2dLayer("max", 2, 1)),
            new Sequential("d", new MaxPool2dLayer("max_dil", 2, 2, 1, dilation: 2), new AvgPool2dLayer("avg_ceil", 2, 1, ceilMode: true)),
            new Sequential("e", new MaxPool2dLayer("max_rect", (3, 2), (2, 1), ConvPadding.Explicit(new Padding2d(1, 0, 0, 1))),
                new AvgPool2dLayer("avg_rect", (1, 3), (1, 2), ceilMode: true), new UpsampleLayer("up", 2),
                new MaxPool2dLayer("max_sq", 4, 2, 1))),
            new[] { 3, 11, 11 }],
        [Blocks(), new[] { 2, 8, 8 }],
        [Shaping(), new[] { 2, 6, 7 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void ImportedExportGivesTheSameOutputs(Layer network, int[] imageShape)
    {
        var imported = RoundTrip(network, imageShape);
        Assert.AreEqual(network.ParameterCount, imported.ParameterCount, $"{network.Name}: parameter count");
        foreach (int batch in new[] { 1, 3 })
        {
            var input = TestData.Tensor(batch + 17, [batch, .. imageShape]);
            var expected = network.Forward(input, training: false).ToArray();
            var actual = imported.Forward(input, training: false);
            CollectionAssert.AreEqual(network.OutputShape(input.Shape).Dimensions.ToArray(), actual.Shape.Dimensions.ToArray(), $"{network.Name}: shape");
            AssertClose(expected, actual.ToArray(), $"{network.Name} batch {batch}");
        }
    }

    public static IEnumerable<object[]> GradientNetworks() => [[Blocks(), new[] { 2, 8, 8 }], [Shaping(), new[] { 2, 6, 7 }]];

    [TestMethod]
    [DynamicData(nameof(GradientNetworks))]
    public void GradientsEqualThoseOfTheOriginalLayers(Layer network, int[] imageShape)
    {
        var imported = RoundTrip(network, imageShape);
        var input = TestData.Tensor(3, [4, .. imageShape]);
        var output = network.Forward(input, training: true);
        var importedOutput = imported.Forward(input, training: true);
        AssertClose(output.ToArray(), importedOutput.ToArray(), "training forward");
        var gradOutput = TestData.Tensor(4, output.Shape.Dimensions.ToArray());

        var gradInput = network.Backward(gradOutput).ToArray();
        var importedGradInput = imported.Backward(gradOutput).ToArray();
        AssertClose(gradInput, importedGradInput, "∂L/∂input");
        foreach (var parameter in network.AllParameters())
            AssertClose(parameter.Gradient.ToArray(), imported.Initializers[parameter.Name].Gradient.ToArray(), $"∂L/∂{parameter.Name}");
    }

    [TestMethod]
    public void FeatureGraphWithItsNormalizationImports()
    {
        // The feature export folds (x − mean) / std into the graph as Sub and Div by per-channel constants.
        var network = Blocks();
        TestNetworks.Randomize(network);
        var model = new CnnModel(network, new TensorShape(2, 8, 8), [], new Normalization([0.5f, -0.25f], [2f, 0.5f]));
        var bytes = OnnxExporter.FeaturesToBytes(model, "se");
        var imported = OnnxImporter.Load(new MemoryStream(bytes));
        var input = TestData.Tensor(9, 3, 2, 8, 8);
        AssertClose(OrtRun.Output(bytes, input, OnnxExporter.FeaturesName), imported.Forward(input, training: false).ToArray(), "features");

        // Cut right after the normalization, ∂L/∂x = ∂L/∂y / std[c].
        var normalization = OnnxImporter.Load(new MemoryStream(bytes), cutAt: FirstDivOutput(bytes));
        normalization.Forward(input, training: true);
        var ones = new Tensor(input.Shape);
        ones.Span.Fill(1f);
        var gradInput = normalization.Backward(ones);
        Assert.AreEqual(0.5f, gradInput[2, 0, 3, 4], 1e-6f);
        Assert.AreEqual(2f, gradInput[1, 1, 5, 0], 1e-6f);
    }

    private static string FirstDivOutput(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes).Graph.Node.First(n => n.OpType == "Div").Output[0];

    [TestMethod]
    public void ResizeToAConstantSize()
    {
        // The exporter writes Resize with scales, or with sizes computed from the input's shape; a constant sizes input (in
        // place of either) is what other exporters write. Nearest by 2 from 6×7 is nearest to 12×14.
        foreach (var network in new Layer[] { new UpsampleLayer("nearest", 2), new UpsampleLayer("bilinear", 3, 5, UpsampleMode.Bilinear) })
        {
            var model = Proto(network, [2, 6, 7]);
            var resize = model.Graph.Node.Single(n => n.OpType == "Resize");
            while (resize.Input.Count < 4) resize.Input.Add("");
            resize.Input[2] = "";
            var output = network.OutputShape(new TensorShape(1, 2, 6, 7));
            var sizes = new TensorProto { Name = "constant_sizes", DataType = (int)TensorProto.Types.DataType.Int64 };
            sizes.Dims.Add(4);
            sizes.Int64Data.AddRange([1, 2, output[2], output[3]]);
            model.Graph.Initializer.Add(sizes);
            resize.Input[3] = sizes.Name;
            var input = TestData.Tensor(6, 1, 2, 6, 7);
            AssertClose(network.Forward(input, training: false).ToArray(), Import(model).Forward(input, training: false).ToArray(), network.Name);
        }
    }

    [TestMethod]
    public void UnsupportedOpsAndAttributesAreNamed()
    {
        var model = Proto(new Sequential("net", new Conv2dLayer("conv", 1, 2, 3), new ActivationLayer("relu", new ReLU())), [1, 5, 5]);
        var relu = model.Graph.Node.Single(n => n.OpType == "Relu");
        relu.OpType = "Einsum";
        var error = Assert.ThrowsExactly<NotSupportedException>(() => Import(model));
        StringAssert.Contains(error.Message, "'Einsum'");
        StringAssert.Contains(error.Message, $"'{relu.Name}'");

        relu.OpType = "Relu";
        var conv = model.Graph.Node.Single(n => n.OpType == "Conv");
        conv.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME_MIDDLE") });
        error = Assert.ThrowsExactly<NotSupportedException>(() => Import(model));
        StringAssert.Contains(error.Message, "'auto_pad'");
        StringAssert.Contains(error.Message, "SAME_MIDDLE");
        StringAssert.Contains(error.Message, $"'{conv.Name}' (op Conv)");

        conv.Attribute.RemoveAt(conv.Attribute.Count - 1);
        relu.Attribute.Add(new AttributeProto { Name = "mystery", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        error = Assert.ThrowsExactly<NotSupportedException>(() => Import(model));
        StringAssert.Contains(error.Message, "'mystery'");
        StringAssert.Contains(error.Message, "(op Relu)");
    }

    [TestMethod]
    public void ATransposeOfAnyPermutationGivesWhatOnnxRuntimeGives()
    {
        var model = Proto(new Sequential("net", new ChannelSlice("slice", 1, 2), new ChannelShuffleLayer("shuffle", 2)), [4, 3, 3]);
        // [N, 2, 1, 3, 3] with axes 1 and 3 swapped moves values, and they are not neighbours.
        var transpose = model.Graph.Node.Single(n => n.OpType == "Transpose").Attribute.Single(a => a.Name == "perm");
        transpose.Ints.Clear();
        transpose.Ints.AddRange([0, 3, 2, 1, 4]);
        var input = TestData.Tensor(1, 1, 4, 3, 3);
        AssertClose(OrtRun.Output(model.ToByteArray(), input), Import(model).Forward(input, training: false).ToArray(), "transposed");
    }

    /// <summary>Residual joins, a projection, concatenation of branches, a squeeze-excite gate and a dense head.</summary>
    private static Sequential Blocks() => new("blocks",
        new Conv2dLayer("stem", 2, 8, 3, padding: 1),
        new Residual("res", new Sequential("body", new Conv2dLayer("c1", 8, 8, 3, padding: 1), new ActivationLayer("r", new ReLU()))),
        new Residual("proj", new Conv2dLayer("down", 8, 12, 3, stride: 2, padding: 1),
            new Sequential("short", new Conv2dLayer("c", 8, 12, 1, stride: 2), new BatchNorm2dLayer("bn", 12))),
        new Branches("dense", new Identity(), new Conv2dLayer("grow", 12, 4, 3, padding: 1), new Identity("again")),
        new Gate("se", new Sequential("squeeze", new GlobalAvgPoolLayer("gap"), new Conv2dLayer("fc1", 28, 4, 1),
            new ActivationLayer("relu", new ReLU()), new Conv2dLayer("fc2", 4, 28, 1), new ActivationLayer("sig", new Sigmoid()))),
        new GlobalMaxPoolLayer("gmp"),
        new FlattenLayer("flat"),
        new DenseLayer("fc", 28, 5),
        new PReLULayer("prelu"),
        new SoftmaxLayer("softmax"));

    /// <summary>
    /// ShuffleNet's channel split and shuffle (Slice; Reshape → Transpose → Reshape) and resizes to a fixed size (nearest as
    /// two Gathers, bilinear as a Resize to sizes the graph computes from the input's shape).
    /// </summary>
    private static Sequential Shaping() => new("shaping",
        new Conv2dLayer("stem", 2, 8, 3, padding: 1),
        new Branches("split", new ChannelSlice("x1", 0, 4), new Sequential("x2", new ChannelSlice("slice", 4, 4), new Conv2dLayer("c", 4, 4, 1))),
        new ChannelShuffleLayer("shuffle", 2),
        new UpsampleLayer("nearest", 9, 11),
        new Conv2dLayer("mid", 8, 6, 3, padding: 1),
        new UpsampleLayer("bilinear", 5, 7, UpsampleMode.Bilinear),
        new UpsampleLayer("corners", 6, 6, UpsampleMode.Bilinear, alignCorners: true),
        new GlobalAvgPoolLayer("gap"),
        new FlattenLayer("flat"),
        new DenseLayer("fc", 6, 3));

    private static OnnxNetwork RoundTrip(Layer network, int[] imageShape) => Import(Proto(network, imageShape));

    private static ModelProto Proto(Layer network, int[] imageShape)
    {
        TestNetworks.Randomize(network);
        return OnnxExporter.Build(new CnnModel(network, new TensorShape(imageShape), []), opset: 13);
    }

    private static OnnxNetwork Import(ModelProto model) => OnnxImporter.Load(new MemoryStream(model.ToByteArray()));

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}: element {i} is {actual[i]} after the round trip, {expected[i]} in the original.");
    }
}
