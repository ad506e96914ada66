using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>
/// One network of <c>networks</c>: our builder, the image and batch it runs at, and the PyTorch model it is compared with
/// (<c>torch_networks.py</c>'s name: torchvision's builder, or a hand-written copy of our LeNet-5 and small ResNet), and what
/// differs between the two beyond the parameter counts, which the benchmark compares itself.
/// </summary>
internal sealed record NetworkCase(string Name, string Title, Func<Layer> Build, int[] Image, int Batch, string TorchModel,
    string? Difference = null)
{
    public const int Classes = 10;

    public static NetworkCase[] All { get; } =
    [
        new("lenet5", "LeNet-5", () => LeNet5.Build(classes: Classes), [1, 28, 28], 64, "lenet5"),
        new("resnet-small", "small ResNet 16-32-64", () => ResNetSmall.Build(1, Classes), [1, 28, 28], 64, "resnet_small"),
        new("resnet18-64", "ResNet-18", () => ResNet.Build(18, 3, Classes), [3, 64, 64], 32, "resnet18"),
        new("resnet18-224", "ResNet-18", () => ResNet.Build(18, 3, Classes), [3, 224, 224], 16, "resnet18"),
        new("mobilenet-v2-64", "MobileNetV2", () => MobileNetV2.Build(3, Classes), [3, 64, 64], 32, "mobilenet_v2"),
        new("mobilenet-v2-224", "MobileNetV2", () => MobileNetV2.Build(3, Classes), [3, 224, 224], 16, "mobilenet_v2"),
        new("resnet50-224", "ResNet-50", () => ResNet.Build(50, 3, Classes), [3, 224, 224], 8, "resnet50"),
        new("efficientnet-b0-224", "EfficientNet-B0", () => EfficientNet.Build(3, Classes), [3, 224, 224], 8, "efficientnet_b0",
            "torchvision's MBConv blocks apply stochastic depth in training (drop-path, rate rising to 0.2: a per-image mask " +
            "multiplied into each residual branch, a little extra work on PyTorch's side); ours add a plain skip"),
    ];

    public static NetworkCase Named(string name) => All.SingleOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"no network is named '{name}'; the networks are {string.Join(", ", All.Select(c => c.Name))}");

    /// <summary>"3x224x224".</summary>
    public string Input => string.Join('x', Image);

    /// <summary>The network as the core trains it (in the worker) and runs inference: built, initialized from seed 1 (He uniform, BN γ 1, β 0).</summary>
    public Layer BuildInitialized()
    {
        var network = Build();
        Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
        return network;
    }

    public override string ToString() => $"{Title} {Input} batch {Batch} ({Name})";
}
