using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// The completeness check of <see cref="LayerRegistry"/>: every public concrete <see cref="Layer"/> type of the core,
/// found by reflection, is registered, and samples of it go through the round trips its registration promises
/// (<see cref="LayerHarness.RoundTrips"/>: model file, ONNX Runtime, ONNX re-import). A new layer type fails here, by
/// name, until it is registered and has samples in <see cref="Samples"/>. What a sample legitimately cannot do is said
/// beside it, with the reason, and checked to still fail (so the exception goes when the limitation does):
/// <list type="bullet">
/// <item><see cref="OnnxNetwork"/> has no model-file entry: an imported graph is kept as the ONNX file it came from.</item>
/// <item>An <see cref="LrnLayer"/> of even size does not import back: it is exported written out in ops the importer does not map.</item>
/// </list>
/// </summary>
[TestClass]
public sealed class LayerRegistryTests
{
    /// <summary>A layer with the input it takes ([N, C, H, W] or [N, F]), and the round trips it cannot make, with the reason.</summary>
    private sealed record Sample(Layer Layer, int[] Input, RoundTrip Cannot = RoundTrip.None, string Because = "");

    /// <summary>Samples of every public layer type: each setting its registration writes differently.</summary>
    private static readonly Dictionary<Type, Func<Sample[]>> Samples = new()
    {
        [typeof(Sequential)] = () => [new(new Sequential("seq", new Conv2dLayer("conv", 2, 3, 3, padding: 1), new ActivationLayer("relu", new ReLU())), [2, 2, 5, 4])],
        [typeof(Residual)] = () =>
        [
            new(new Residual("res", new Conv2dLayer("body", 3, 3, 3, padding: 1)), [2, 3, 4, 4]),
            new(new Residual("down", new Conv2dLayer("body", 3, 5, 3, stride: 2, padding: 1), new Conv2dLayer("project", 3, 5, 1, stride: 2)), [2, 3, 5, 5]),
        ],
        [typeof(Branches)] = () => [new(new Branches("branches", new Identity(), new Conv2dLayer("a", 2, 3, 1), new MaxPool2dLayer("b", 3, 1, 1)), [2, 2, 4, 3])],
        [typeof(Gate)] = () => [new(new Gate("se", new Sequential("squeeze", new GlobalAvgPoolLayer("gap"), new Conv2dLayer("fc", 4, 4, 1),
            new ActivationLayer("sig", new Sigmoid()))), [2, 4, 3, 3])],
        [typeof(Identity)] = () => [new(new Identity(), [2, 3, 2, 2])],
        [typeof(OnnxNetwork)] = () => [new(Imported(), [2, 2, 6, 6], RoundTrip.ModelFile,
            "an imported network is no architecture of the model file: it is kept as the ONNX file it came from (OnnxNetwork.SaveOnnx)")],
        [typeof(Conv2dLayer)] = () =>
        [
            new(new Conv2dLayer("conv", 3, 4, 3, stride: 2, padding: ConvPadding.Same), [2, 3, 7, 6]),
            new(new Conv2dLayer("conv", 4, 6, 3, 1, 2, 1, ConvPadding.Explicit(new Padding2d(1, 0, 2, 1)), dilation: 2, groups: 2, bias: false), [2, 4, 7, 6]),
        ],
        [typeof(ConvTranspose2dLayer)] = () =>
        [
            new(new ConvTranspose2dLayer("up", 3, 4, 2, stride: 2), [2, 3, 3, 4]),
            new(new ConvTranspose2dLayer("up", 4, 6, 3, stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2, bias: false), [2, 4, 3, 3]),
        ],
        [typeof(DenseLayer)] = () => [new(new DenseLayer("fc", 7, 5), [3, 7]), new(new DenseLayer("fc", 7, 5, bias: false), [3, 7])],
        [typeof(BatchNorm2dLayer)] = () => [new(new BatchNorm2dLayer("bn", 3, epsilon: 1e-3f), [4, 3, 3, 2])],
        [typeof(LrnLayer)] = () =>
        [
            new(new LrnLayer("lrn", 3, alpha: 0.5f, beta: 0.75f, k: 2f), [2, 5, 3, 2]),
            new(new LrnLayer("lrn", 4, alpha: 0.5f, beta: 0.6f, k: 1.5f), [2, 5, 3, 2], RoundTrip.Reimport,
                "ONNX Runtime's LRN takes odd sizes only, so an even size is written out as Mul, a 3-D AveragePool, Pow and Div, which the importer does not map"),
        ],
        [typeof(ActivationLayer)] = () =>
        [
            .. new Activation[] { new ReLU(), new ReLU6(), new Clip(-0.5f, 0.7f), new LeakyReLU(0.1f), new Sigmoid(), new Tanh(), new HardSigmoid(0.3f, 0.4f),
                new HardSwish(), new SiLU() }.Select(a => new Sample(new ActivationLayer("act", a), [2, 3, 4, 5])),
        ],
        [typeof(PReLULayer)] = () => [new(new PReLULayer("prelu", 3), [2, 3, 4, 4]), new(new PReLULayer("prelu"), [4, 6])],
        [typeof(SoftmaxLayer)] = () => [new(new SoftmaxLayer("softmax"), [2, 3, 2, 2]), new(new SoftmaxLayer("logsoftmax", -1, log: true), [3, 5])],
        [typeof(MaxPool2dLayer)] = () =>
        [
            new(new MaxPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true), [2, 2, 7, 6]),
            new(new MaxPool2dLayer("pool", (3, 2), (2, 1), ConvPadding.Explicit(new Padding2d(1, 0, 0, 1)), dilation: 2), [2, 2, 7, 5]),
        ],
        [typeof(AvgPool2dLayer)] = () =>
        [
            new(new AvgPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), [2, 2, 7, 6]),
            new(new AvgPool2dLayer("pool", (1, 3), (1, 2), ConvPadding.Same, countIncludePad: true), [2, 2, 3, 8]),
        ],
        [typeof(GlobalAvgPoolLayer)] = () => [new(new GlobalAvgPoolLayer("gap"), [2, 3, 4, 5])],
        [typeof(GlobalMaxPoolLayer)] = () => [new(new GlobalMaxPoolLayer("gmp"), [2, 3, 4, 5])],
        [typeof(FlattenLayer)] = () => [new(new FlattenLayer("flatten"), [2, 3, 2, 2])],
        [typeof(DropoutLayer)] = () => [new(new DropoutLayer("drop", 0.3f, seed: 3), [2, 3, 2, 2])],
        [typeof(ChannelShuffleLayer)] = () => [new(new ChannelShuffleLayer("shuffle", 3), [2, 6, 2, 3])],
        [typeof(ChannelSlice)] = () => [new(new ChannelSlice("slice", 1, 2), [2, 4, 3, 3])],
        [typeof(PadLayer)] = () =>
        [
            new(new PadLayer("pad", new Padding2d(1, 2, 0, 1), PadMode.Constant, 0.5f), [2, 2, 3, 4]),
            new(new PadLayer("pad", new Padding2d(1, 2, 0, 1), PadMode.Reflect), [2, 2, 3, 4]),
            new(new PadLayer("pad", new Padding2d(1, 2, 0, 1), PadMode.Replicate), [2, 2, 3, 4]),
        ],
        [typeof(UpsampleLayer)] = () =>
        [
            new(new UpsampleLayer("up", 2), [2, 2, 3, 4]),
            new(new UpsampleLayer("up", 2, UpsampleMode.Bilinear), [2, 2, 3, 4]),
            new(new UpsampleLayer("up", 5, 7, UpsampleMode.Bilinear, alignCorners: true), [2, 2, 3, 4]),
            new(new UpsampleLayer("down", 2, 3), [1, 2, 5, 7]),
        ],
    };

    private static IEnumerable<Type> PublicLayerTypes() =>
        typeof(Layer).Assembly.GetTypes().Where(t => t.IsVisible && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t));

    public static IEnumerable<object[]> LayerTypeNames() => PublicLayerTypes().Select(t => new object[] { t.Name }).OrderBy(t => (string)t[0]);

    [TestMethod]
    public void EveryPublicLayerTypeIsRegisteredAndHasSamples()
    {
        var types = PublicLayerTypes().ToArray();
        void None(IEnumerable<Type> found, string what)
        {
            var names = found.Select(t => t.Name).Order().ToArray();
            if (names.Length > 0) Assert.Fail($"{what}: {string.Join(", ", names)}");
        }
        None(types.Where(t => LayerRegistry.Of(t) is null),
            "layer types with no LayerKind (add one in Core/Layers/Registry: model-file entry, ONNX export, ONNX import)");
        None(types.Where(t => !Samples.ContainsKey(t)), $"layer types with no samples in {nameof(LayerRegistryTests)}.{nameof(Samples)}");
        None(LayerRegistry.All.Select(k => k.LayerType).Except(types), "registered types that are no public concrete layer type");
    }

    [TestMethod]
    [DynamicData(nameof(LayerTypeNames))]
    public void EveryLayerTypeRoundTrips(string typeName)
    {
        var type = PublicLayerTypes().Single(t => t.Name == typeName);
        if (!Samples.TryGetValue(type, out var samples)) Assert.Fail($"{typeName} has no samples in {nameof(LayerRegistryTests)}.{nameof(Samples)}.");
        foreach (var sample in samples())
        {
            Assert.AreEqual(type, sample.Layer.GetType(), "a sample of another type");
            Assert.AreEqual(sample.Cannot == RoundTrip.None, sample.Because == "", $"{sample.Layer}: a round trip left out needs its reason, and only one left out has one");
            Assert.AreEqual(!sample.Cannot.HasFlag(RoundTrip.ModelFile), LayerCatalog.Knows(type), $"{typeName}: LayerCatalog.Knows");
            TestNetworks.Randomize(sample.Layer);
            var x = TestData.Tensor(7, sample.Input);
            foreach (ref float v in x.Span) v *= 3f;
            LayerHarness.RoundTrips(sample.Layer, x, skip: sample.Cannot);
            AssertCannot(sample, x);
        }
    }

    /// <summary>The round trips a sample (of an image batch) is said not to make indeed fail, with a NotSupportedException.</summary>
    private static void AssertCannot(Sample sample, Tensor x)
    {
        if (sample.Cannot == RoundTrip.None) return;
        var model = new CnnModel(sample.Layer, new TensorShape(sample.Input[1..]), []);
        string because = $"{sample.Layer} is said not to make this round trip ({sample.Because}); it does now: remove the exception";
        if (sample.Cannot.HasFlag(RoundTrip.ModelFile))
            Assert.ThrowsExactly<NotSupportedException>(() => ModelFile.Save(model, new MemoryStream()), because);
        if (sample.Cannot.HasFlag(RoundTrip.Onnx))
            Assert.ThrowsExactly<NotSupportedException>(() => OnnxExporter.ToBytes(model), because);
        if (sample.Cannot.HasFlag(RoundTrip.Reimport))
            Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(model))).Forward(x, training: false), because);
    }

    /// <summary>A small convolutional backbone exported and imported back.</summary>
    private static OnnxNetwork Imported()
    {
        var backbone = new Sequential("backbone", new Conv2dLayer("conv", 2, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()), new MaxPool2dLayer("pool", 2));
        TestNetworks.Randomize(backbone);
        return OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(new CnnModel(backbone, new TensorShape(2, 6, 6), []))));
    }
}
