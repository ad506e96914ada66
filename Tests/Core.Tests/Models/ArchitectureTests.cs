using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Layers;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Models;

[TestClass]
public class ArchitectureTests
{
    /// <summary>The ImageNet configuration (3×224×224, 1000 classes) of every builder.</summary>
    private static readonly Dictionary<string, Func<Layer>> ImageNet = new()
    {
        ["alexnet"] = () => AlexNet.Build(),
        ["alexnet_original"] = () => AlexNet.Build(original: true),
        ["vgg11"] = () => Vgg.Build(11),
        ["vgg11_bn"] = () => Vgg.Build(11, batchNorm: true),
        ["vgg16"] = () => Vgg.Build(16),
        ["vgg16_bn"] = () => Vgg.Build(16, batchNorm: true),
        ["resnet18"] = () => ResNet.Build(18),
        ["resnet34"] = () => ResNet.Build(34),
        ["resnet50"] = () => ResNet.Build(50),
        ["resnext50_32x4d"] = () => ResNeXt.Build(50, 32, 4),
        ["seresnet18"] = () => SeResNet.Build(18),
        ["googlenet"] = () => GoogLeNet.Build(),
        ["nin"] = () => NetworkInNetwork.Build(),
        ["mobilenet_v1"] = () => MobileNetV1.Build(),
        ["mobilenet_v2"] = () => MobileNetV2.Build(),
        ["shufflenet_v2_x1_0"] = () => ShuffleNetV2.Build(),
        ["squeezenet1_0"] = () => SqueezeNet.Build(version: "1_0"),
        ["squeezenet1_1"] = () => SqueezeNet.Build(),
        ["densenet121"] = () => DenseNet.Build(121),
        ["efficientnet_b0"] = () => EfficientNet.Build(),
        ["unet"] = () => UNet.Build(3, 2),
    };

    [TestMethod]
    // torchvision's counts (sum of p.numel() over model.parameters(), aux heads off for GoogLeNet).
    [DataRow("alexnet", 61_100_840L)]
    [DataRow("vgg11", 132_863_336L)]
    [DataRow("vgg11_bn", 132_868_840L)]
    [DataRow("vgg16", 138_357_544L)]
    [DataRow("vgg16_bn", 138_365_992L)]
    [DataRow("resnet18", 11_689_512L)]
    [DataRow("resnet34", 21_797_672L)]
    [DataRow("resnet50", 25_557_032L)]
    [DataRow("resnext50_32x4d", 25_028_904L)]
    [DataRow("googlenet", 6_624_904L)]
    [DataRow("mobilenet_v2", 3_504_872L)]
    [DataRow("shufflenet_v2_x1_0", 2_278_604L)]
    [DataRow("squeezenet1_0", 1_248_424L)]
    [DataRow("squeezenet1_1", 1_235_496L)]
    [DataRow("densenet121", 7_978_856L)]
    [DataRow("efficientnet_b0", 5_288_548L)]
    // Keras' trainable count for MobileNet(alpha=1.0, include_top=True); Caffe's bvlc_alexnet for the original AlexNet.
    [DataRow("mobilenet_v1", 4_231_976L)]
    [DataRow("alexnet_original", 60_965_224L)]
    // By hand (see the builders' summaries): ResNet-18 + 89,080 for squeeze-excite at r = 16; NiN's four blocks;
    // milesial/Pytorch-UNet's UNet(3, 2, bilinear=False).
    [DataRow("seresnet18", 11_778_592L)]
    [DataRow("nin", 7_439_608L)]
    [DataRow("unet", 31_037_698L)]
    public void ParameterCountMatchesThePublishedOne(string architecture, long expected)
    {
        // Only builds: no forward pass at 224×224. The network is dropped before the next row (VGG holds > 1 GB).
        var (count, names, distinct) = Count(ImageNet[architecture]);
        GC.Collect();
        Assert.AreEqual(expected, count, architecture);
        Assert.AreEqual(names, distinct, $"{architecture}: parameter names are not unique");
    }

    private static (long Count, int Names, int Distinct) Count(Func<Layer> build)
    {
        var network = build();
        var names = network.AllParameters().Select(p => p.Name).ToList();
        return (network.ParameterCount, names.Count, names.Distinct().Count());
    }

    /// <summary>Small configurations: batch 2, few classes, small widths where the architecture has a knob.</summary>
    private static readonly Dictionary<string, (Func<Layer> Build, int Size, int[] Output)> Small = new()
    {
        ["alexnet"] = (() => AlexNet.Build(3, 64, 64, 5, hidden: 32), 64, [2, 5]),
        ["alexnet_original"] = (() => AlexNet.Build(3, 64, 64, 5, original: true, hidden: 32), 64, [2, 5]),
        ["vgg11_bn"] = (() => Vgg.Build(11, true, 3, 32, 32, 5, hidden: 32), 32, [2, 5]),
        ["vgg16"] = (() => Vgg.Build(16, false, 3, 32, 32, 5, hidden: 32), 32, [2, 5]),
        ["resnet18"] = (() => ResNet.Build(18, 3, 5), 64, [2, 5]),
        ["resnet50"] = (() => ResNet.Build(50, 3, 5), 32, [2, 5]),
        ["resnext50_32x4d"] = (() => ResNeXt.Build(50, 32, 4, 3, 5), 32, [2, 5]),
        ["seresnet18"] = (() => SeResNet.Build(18, 16, 3, 5), 32, [2, 5]),
        ["googlenet"] = (() => GoogLeNet.Build(3, 5), 64, [2, 5]),
        ["nin"] = (() => NetworkInNetwork.Build(3, 5), 67, [2, 5]),
        ["mobilenet_v1"] = (() => MobileNetV1.Build(3, 5, 0.25), 32, [2, 5]),
        ["mobilenet_v2"] = (() => MobileNetV2.Build(3, 5, 0.25), 32, [2, 5]),
        ["shufflenet_v2"] = (() => ShuffleNetV2.Build(3, 5, 0.5), 64, [2, 5]),
        ["squeezenet1_1"] = (() => SqueezeNet.Build(3, 5), 64, [2, 5]),
        ["densenet121"] = (() => DenseNet.Build(121, 3, 5, growthRate: 8, initialFeatures: 16), 32, [2, 5]),
        ["efficientnet"] = (() => EfficientNet.Build(3, 5, new EfficientNet.Scaling(0.25, 0.5, 32, 0.2f)), 32, [2, 5]),
        ["unet"] = (() => UNet.Build(3, 4, depth: 3, baseWidth: 8), 32, [2, 4, 32, 32]),
        ["small_vgg"] = (() => SmallVgg.Build(3, 32, 32, 5, widths: [4, 8], convsPerStage: 2, hidden: 16), 32, [2, 5]),
    };

    /// <summary>Inference on channel blocks gives the same bits on one thread and on all of them (every output is summed in one order).</summary>
    [TestMethod]
    [DataRow("resnet18")]
    [DataRow("mobilenet_v2")]
    [DataRow("efficientnet")]
    public void InferenceOnChannelBlocksGivesTheSameBitsOnAnyThreadCount(string architecture)
    {
        if (ChannelBlocks.CurrentLanes == 0) Assert.Inconclusive("No AVX2 or AVX-512: no channel blocks on this CPU.");
        var (build, size, _) = Small[architecture];
        var network = build();
        Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
        var input = TestData.Tensor(5, 3, 3, size, size);
        int saved = CnnParallel.MaxDegreeOfParallelism;
        try
        {
            CnnParallel.MaxDegreeOfParallelism = 1;
            var serial = network.Forward(input, training: false).ToArray();
            CnnParallel.MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount);
            CollectionAssert.AreEqual(serial, network.Forward(input, training: false).ToArray(), architecture);
        }
        finally { CnnParallel.MaxDegreeOfParallelism = saved; }
    }

    /// <summary>Every architecture of <see cref="Small"/>, one test case each.</summary>
    public static IEnumerable<object[]> SmallArchitectures() => Small.Keys.Select(name => new object[] { name });

    [TestMethod]
    [DynamicData(nameof(SmallArchitectures))]
    public void InferenceOnChannelBlocksEqualsInferenceOnPlanes(string architecture)
    {
        var native = Gemm.DefaultKernel;
        var savedBlocks = Sequential.InferOnChannelBlocks;
        try
        {
            // 16 lanes with AVX-512 and 8 with AVX2 where the CPU has AVX-512; the portable family has no channel blocks.
            foreach (var family in new[] { GemmKernel.Avx512, GemmKernel.Avx2 }.Where(k => k <= native))
            {
                Gemm.DefaultKernel = family;
                var (build, size, _) = Small[architecture];
                var network = build();
                Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
                var input = TestData.Tensor(4, 2, 3, size, size);
                Sequential.InferOnChannelBlocks = false;
                var planes = network.Forward(input, training: false).ToArray();
                Sequential.InferOnChannelBlocks = true;
                var blocks = network.Forward(input, training: false).ToArray();
                double scale = planes.Max(Math.Abs);
                for (int i = 0; i < planes.Length; i++)
                    Assert.AreEqual(planes[i], blocks[i], 1e-5 * scale, $"{architecture} ({family}): element {i}");
            }
        }
        finally
        {
            Gemm.DefaultKernel = native;
            Sequential.InferOnChannelBlocks = savedBlocks;
        }
    }

    [TestMethod]
    [DynamicData(nameof(SmallArchitectures))]
    public void ForwardAndBackwardOnASmallInput(string architecture)
    {
        var (build, size, expected) = Small[architecture];
        var network = build();
        Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
        var input = TestData.Tensor(2, 2, 3, size, size);
        var output = network.Forward(input, training: true);
        Assert.AreEqual(new TensorShape(expected), output.Shape, architecture);
        Assert.AreEqual(network.OutputShape(input.Shape), output.Shape, $"{architecture}: OutputShape");
        Assert.IsTrue(AllFinite(output.Span), $"{architecture}: non-finite output");

        var gradInput = network.Backward(TestData.Tensor(3, expected));
        Assert.AreEqual(input.Shape, gradInput.Shape, $"{architecture}: input gradient shape");
        Assert.IsTrue(AllFinite(gradInput.Span), $"{architecture}: non-finite input gradient");
        var first = network.AllParameters().First();
        Assert.IsTrue(AllFinite(first.Gradient.Span), $"{architecture}: non-finite gradient of {first.Name}");
        Assert.IsTrue(first.Gradient.Span.ContainsAnyExcept(0f), $"{architecture}: zero gradient for {first.Name}");
    }

    [TestMethod]
    // The sample's default at 1×28×28, 10 classes: conv 1→16 (144 + BN 32), conv 16→32 (4,608 + BN 64),
    // fc 7·7·32 → 128 (200,704 + 128), fc 128 → 10 (1,280 + 10).
    [DataRow(1, 28, 10, new[] { 16, 32 }, 1, 128, 206_970L)]
    // Two convolutions per stage add conv 16→16 (2,304 + 32) and conv 32→32 (9,216 + 64).
    [DataRow(1, 28, 10, new[] { 16, 32 }, 2, 128, 218_586L)]
    // 3×32×32, 5 classes: convs 3→4, 4→4, 4→8, 8→8 (108 + 144 + 288 + 576, BN 8 + 8 + 16 + 16), fc 8·8·8 → 16 (8,192 + 16), 16 → 5 (80 + 5).
    [DataRow(3, 32, 5, new[] { 4, 8 }, 2, 16, 9_457L)]
    public void SmallVggParameterCountByHand(int channels, int size, int classes, int[] widths, int convsPerStage, int hidden, long expected) =>
        Assert.AreEqual(expected, SmallVgg.Build(channels, size, size, classes, widths, convsPerStage, hidden).ParameterCount);

    [TestMethod]
    public void SmallVggRejectsImagesTooSmallForItsPooling() =>
        Assert.ThrowsExactly<ArgumentException>(() => SmallVgg.Build(1, 3, 3, 10, widths: [4, 8, 16]));

    [TestMethod]
    public void EfficientNetCompoundScalingFollowsThePaper()
    {
        var b1 = EfficientNet.Scaling.Compound(1);
        Assert.AreEqual(1.1, b1.Width, 1e-12);
        Assert.AreEqual(1.2, b1.Depth, 1e-12);
        Assert.AreEqual(256, b1.Resolution); // 224·1.15 = 257.6, to a multiple of 8
    }

    [TestMethod]
    public void ChannelSlicePassesTheLayerHarness() =>
        LayerHarness.Check(new ChannelSlice("slice", 1, 2), new TensorShape(2, 4, 3, 3), 0);

    [TestMethod]
    public void ChannelSplitUnderBranchesPassesTheLayerHarness() =>
        // ShuffleNet v2's stride-1 unit without its batch norms (a bias before a BN has a zero gradient, which finite
        // differences only see as float noise): concat(x[:2], conv(x[2:])) → shuffle.
        LayerHarness.Check(new Sequential("unit",
            new Branches("concat",
                new ChannelSlice("x1", 0, 2),
                new Sequential("x2", new ChannelSlice("x2.slice", 2, 2), new Conv2dLayer("x2.conv", 2, 2, 3, padding: 1))),
            new ChannelShuffleLayer("shuffle", 2)), new TensorShape(2, 4, 3, 3), 2 * 2 * 9 + 2);

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}
