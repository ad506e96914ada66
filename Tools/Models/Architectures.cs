using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tool.Models;

/// <summary>The networks <c>train --model NAME</c> offers, by name: each a builder of MLNet.Cnn.Models in the trainers' (channels, height, width, classes) order.</summary>
internal static class Architectures
{
    /// <summary>A network the tool can train: its name on the command line, what it is, and its builder.</summary>
    public sealed record Architecture(string Name, string Description, Func<int, int, int, int, Layer> Build);

    public const string Default = "resnet-small";

    public static readonly IReadOnlyList<Architecture> All =
    [
        new(Default, "small ResNet 16-32-64, one basic block per stage, global average pooling (any size ≥ 8; the default)", ResNetSmall.Build),
        new("small-vgg", "two conv-BN-ReLU-pool stages 16-32 and a 128-unit dense layer", (c, h, w, k) => SmallVgg.Build(c, h, w, k)),
        new("lenet5", "LeNet-5 with ReLU and max pooling (sizes ≥ 12)", (c, h, w, k) => LeNet5.Build(c, h, w, k)),
        new("resnet18", "ResNet-18 (11 M parameters; photos at 128 or more)", (c, _, _, k) => ResNet.Build(depth: 18, channels: c, classes: k)),
        new("mobilenet-v2", "MobileNetV2 ×1.0 (3.5 M parameters)", MobileNetV2.Build),
        new("shufflenet-v2", "ShuffleNet v2 ×1.0", ShuffleNetV2.Build),
        new("squeezenet", "SqueezeNet 1.1", SqueezeNet.Build),
    ];

    public static IEnumerable<string> Names => All.Select(a => a.Name);

    /// <summary>The one-line-per-network list that <c>train --help</c> shows.</summary>
    public static string Help => string.Join("; ", All.Select(a => $"{a.Name}: {a.Description}"));

    /// <summary>The architecture called <paramref name="name"/> (one of <see cref="Names"/>: the parser accepts no other).</summary>
    public static Architecture Named(string name) => All.Single(a => a.Name == name);

    /// <summary>Builds the network once for two classes, so that an input size it refuses is a usage error before any data is read.</summary>
    public static void CheckSize(Architecture architecture, int channels, int size)
    {
        try { architecture.Build(channels, size, size, 2).OutputShape(new TensorShape(1, channels, size, size)); }
        catch (ArgumentException e)
        {
            throw new UsageException($"--model {architecture.Name} does not take {channels}×{size}×{size} images: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
        }
    }
}
