using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Models;

/// <summary>
/// The builders take the argument order of the ML.NET trainers' <c>Network</c> delegate, (channels, height, width,
/// classes): as a method group, and called with four numbers (which once meant channels, classes, width multiplier and
/// dropout for MobileNetV2).
/// </summary>
[TestClass]
public sealed class NetworkDelegateOrderTests
{
    private static readonly Func<int, int, int, int, Layer>[] Builders =
    [
        MobileNetV1.Build, MobileNetV2.Build, EfficientNet.Build, GoogLeNet.Build, NetworkInNetwork.Build, ResNetSmall.Build,
        ShuffleNetV2.Build, SqueezeNet.Build, UNet.Build,
        (c, h, w, k) => LeNet5.Build(c, h, w, k), (c, h, w, k) => SmallVgg.Build(c, h, w, k), (c, h, w, k) => AlexNet.Build(c, h, w, k),
    ];

    [TestMethod]
    public void EveryBuilderTakesChannelsHeightWidthClasses()
    {
        foreach (var build in Builders)
        {
            var network = build(3, 96, 96, 7);
            var output = network.OutputShape(new TensorShape(1, 3, 96, 96));
            Assert.AreEqual(7, output[1], $"{network.Name}: {output}");
        }
    }

    [TestMethod]
    public void FourNumbersMeanChannelsHeightWidthClasses()
    {
        // Before, this bound to Build(channels, classes, widthMultiplier, dropout): width multiplier 64, 64 classes.
        var network = MobileNetV2.Build(3, 64, 64, 10);
        Assert.AreEqual(10, network.OutputShape(new TensorShape(1, 3, 64, 64))[1]);
        Assert.AreEqual(MobileNetV2.Build(3, 10).ParameterCount, network.ParameterCount, "width multiplier 1");
    }

    [TestMethod]
    public void AnImageTooSmallForTheNetworkIsRefusedByTheBuilder()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => GoogLeNet.Build(3, 8, 8, 10));
        StringAssert.Contains(e.Message, "googlenet cannot take 3×8×8 images");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => UNet.Build(3, 28, 28, 2)).Message, "unet cannot take 3×28×28 images");
    }

    [TestMethod]
    public void TheBuildersLeaveTheWeightsAtZeroForTheInitializer()
    {
        foreach (var build in Builders)
        {
            var network = build(3, 96, 96, 7);
            Assert.IsTrue(network.AllParameters().Where(p => p.Role == ParameterRole.Weight).All(p => p.Value.Span.IndexOfAnyExcept(0f) < 0),
                $"{network.Name}: the trainers initialize with their seed (Initializer.Initialize)");
        }
    }
}
