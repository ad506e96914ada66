using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Models;

[TestClass]
public sealed class ModelFileTests
{
    private static CnnModel SmallResNet()
    {
        var network = ResNetSmall.Build(channels: 1, classes: 3, widths: [4, 6], blocksPerStage: 1);
        Initializer.Initialize(network, seed: 3);
        // Train-mode passes move the batch-norm running statistics away from 0 and 1, so buffers are exercised too.
        network.Forward(TestData.Tensor(1, 4, 1, 8, 8), training: true);
        return new CnnModel(network, new TensorShape(1, 8, 8), ["a", "b", "c"], new Normalization([0.25f], [0.5f]));
    }

    private static byte[] Bytes(CnnModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    [TestMethod]
    public void SaveThenLoadGivesBitIdenticalOutputs()
    {
        var model = SmallResNet();
        var x = TestData.Tensor(2, 3, 1, 8, 8);
        float[] before = model.Network.Forward(x, training: false).ToArray();
        var loaded = ModelFile.Load(new MemoryStream(Bytes(model)));
        CollectionAssert.AreEqual(before, loaded.Network.Forward(x, training: false).ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, loaded.ClassNames.ToArray());
        Assert.AreEqual(new TensorShape(1, 8, 8), loaded.InputShape);
        Assert.AreEqual(0.5f, loaded.Normalization.Std[0]);
        Assert.AreEqual(model.Network.ParameterCount, loaded.Network.ParameterCount);
    }

    [TestMethod]
    public void EveryLayerTypeRoundTrips()
    {
        var network = new Sequential("all",
            new PadLayer("pad", new Padding2d(1, 0, 0, 1), PadMode.Reflect),
            new Conv2dLayer("conv", 2, 4, 3, padding: ConvPadding.Same),
            new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("leaky", new LeakyReLU(0.2f)),
            new ActivationLayer("clip", new Clip(-1f, 2f)),
            new PReLULayer("prelu", 4),
            new LrnLayer("lrn", 3),
            new ChannelShuffleLayer("shuffle", 2),
            new Branches("branches", new Identity("skip"), new Conv2dLayer("side", 4, 2, 1)),
            new Gate("se", new Sequential("squeeze", new GlobalAvgPoolLayer("gap"), new Conv2dLayer("fc1", 6, 6, 1),
                new ActivationLayer("hsig", new HardSigmoid(0.2f, 0.5f)))),
            new Residual("res", new Conv2dLayer("body", 6, 6, 3, padding: 1)),
            new MaxPool2dLayer("max", 2, ceilMode: true),
            new UpsampleLayer("up", 2, UpsampleMode.Bilinear),
            new ConvTranspose2dLayer("deconv", 6, 3, 2, stride: 2),
            new AvgPool2dLayer("avg", 2, countIncludePad: false),
            new MaxPool2dLayer("rect", (2, 1), (1, 1)),
            new GlobalMaxPoolLayer("gmp"),
            new FlattenLayer("flatten"),
            new DropoutLayer("drop", 0.5f, seed: 3),
            new DenseLayer("fc", 3, 2),
            new SoftmaxLayer("softmax"));
        Initializer.Initialize(network, seed: 5);
        var model = new CnnModel(network, new TensorShape(2, 7, 6), ["x", "y"]);
        var input = TestData.Tensor(4, 2, 2, 7, 6);
        float[] before = network.Forward(input, training: false).ToArray();
        var loaded = ModelFile.Load(new MemoryStream(Bytes(model)));
        CollectionAssert.AreEqual(before, loaded.Network.Forward(input, training: false).ToArray());
        Assert.AreEqual(LayerCatalog.Describe(network).ToJsonString(), LayerCatalog.Describe(loaded.Network).ToJsonString());
    }

    [TestMethod]
    public void TruncatedCorruptForeignAndNewerFilesAreRefusedClearly()
    {
        byte[] bytes = Bytes(SmallResNet());
        void Refused(byte[] file, string expected)
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelFile.Load(new MemoryStream(file), "model.cnn"));
            StringAssert.Contains(e.Message, "model.cnn");
            StringAssert.Contains(e.Message, expected);
        }
        Refused(bytes[..(bytes.Length - 100)], "truncated");
        Refused(bytes[..20], "truncated");
        var flipped = (byte[])bytes.Clone();
        flipped[^40] ^= 0x10; // one bit in the last tensor
        Refused(flipped, "checksum");
        Refused("PK\u0003\u0004 not a model"u8.ToArray(), "not an MLNet.Cnn model file");
        var newer = (byte[])bytes.Clone();
        newer[8] = 99;
        Refused(newer, "newer MLNet.Cnn");
    }

    [TestMethod]
    public void ALayerTypeWithoutAnEntryCannotBeSaved()
    {
        var model = new CnnModel(new Sequential("net", new Unsaveable(), new DenseLayer("fc", 4, 2)), new TensorShape(1, 2, 2), ["x", "y"]);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ModelFile.Save(model, new MemoryStream()));
        StringAssert.Contains(e.Message, "odd");
    }

    private sealed class Unsaveable() : Layer("odd")
    {
        public override TensorShape OutputShape(TensorShape input) => new(input[0], input.SizeFrom(1));
        public override Tensor Forward(Tensor input, bool training) => input.Reshape(input.Shape[0], input.Shape.SizeFrom(1));
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }
}
