using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// EfficientNet (Tan and Le, 2019) as torchvision builds it: conv3×3/2 → BN → SiLU, seven stages of MBConv blocks
/// (1×1 expansion → depthwise k×k → squeeze-excite (to ¼ of the block's input width, SiLU) → linear 1×1 projection,
/// each with BN; a skip when stride 1 and the width is unchanged), conv1×1 to 4× the last width → global average
/// pooling → dropout → dense. Compound scaling (<see cref="Scaling"/>): widths ×width rounded to multiples of 8,
/// repeats ⌈n·depth⌉; the resolution is the input size the variant is trained at (the network itself takes any size
/// of at least 32×32). Stochastic depth (torchvision's 0.2 drop-path during training) is omitted: a plain skip.
/// efficientnet_b0: 5,288,548 parameters at 3 channels, 1000 classes.
/// </summary>
public static class EfficientNet
{
    /// <summary>Width, depth and resolution coefficients of one variant, and its dropout before the classifier.</summary>
    public sealed record Scaling(double Width, double Depth, int Resolution, float Dropout)
    {
        /// <summary>EfficientNet-B0, the base network: 224×224, dropout 0.2.</summary>
        public static Scaling B0 { get; } = new(1.0, 1.0, 224, 0.2f);
        /// <summary>EfficientNet-B1: width 1.0, depth 1.1, 240×240, dropout 0.2.</summary>
        public static Scaling B1 { get; } = new(1.0, 1.1, 240, 0.2f);
        /// <summary>EfficientNet-B2: width 1.1, depth 1.2, 260×260, dropout 0.3.</summary>
        public static Scaling B2 { get; } = new(1.1, 1.2, 260, 0.3f);
        /// <summary>EfficientNet-B3: width 1.2, depth 1.4, 300×300, dropout 0.3.</summary>
        public static Scaling B3 { get; } = new(1.2, 1.4, 300, 0.3f);
        /// <summary>EfficientNet-B4: width 1.4, depth 1.8, 380×380, dropout 0.4.</summary>
        public static Scaling B4 { get; } = new(1.4, 1.8, 380, 0.4f);
        /// <summary>EfficientNet-B5: width 1.6, depth 2.2, 456×456, dropout 0.4.</summary>
        public static Scaling B5 { get; } = new(1.6, 2.2, 456, 0.4f);
        /// <summary>EfficientNet-B6: width 1.8, depth 2.6, 528×528, dropout 0.5.</summary>
        public static Scaling B6 { get; } = new(1.8, 2.6, 528, 0.5f);
        /// <summary>EfficientNet-B7: width 2.0, depth 3.1, 600×600, dropout 0.5.</summary>
        public static Scaling B7 { get; } = new(2.0, 3.1, 600, 0.5f);

        /// <summary>The paper's compound rule for φ: depth 1.2^φ, width 1.1^φ, resolution 224·1.15^φ (rounded to 8).</summary>
        public static Scaling Compound(double phi, float dropout = 0.2f) =>
            new(Math.Pow(1.1, phi), Math.Pow(1.2, phi), ConvBlocks.MakeDivisible(224 * Math.Pow(1.15, phi)), dropout);
    }

    /// <summary>
    /// The network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> and
    /// <paramref name="classes"/> classes, every other argument at its default: the argument order of the CNN trainers'
    /// <c>Network</c> delegate, so <c>Network = EfficientNet.Build</c> works. The network ends in global average pooling: any size it can downsample is taken, a smaller one is refused. Like every builder here, it leaves the
    /// weights at zero; the trainers fill them (<c>Initializer.Initialize</c> with their seed), a direct user calls it.
    /// </summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="classes">The outputs.</param>
    public static Sequential Build(int channels, int height, int width, int classes) =>
        InputSize.Checked(Build(channels, classes), channels, height, width);

    /// <summary>Builds EfficientNet (see the type's summary) of the given scaling.</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="scaling">The variant's coefficients; null for <see cref="Scaling.B0"/>.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int classes = 1000, Scaling? scaling = null, int seed = 0)
    {
        scaling ??= Scaling.B0;
        if (scaling.Width <= 0 || scaling.Depth <= 0)
            throw new ArgumentException($"Width and depth coefficients must be positive; {scaling} was given.", nameof(scaling));
        int Width(int c) => ConvBlocks.MakeDivisible(c * scaling.Width);
        int Repeats(int n) => (int)Math.Ceiling(n * scaling.Depth);
        (int Expand, int Kernel, int Stride, int In, int Out, int Repeats)[] stages =
        [
            (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
            (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
        ];
        Func<Activation> silu = () => new SiLU();
        var layers = new List<Layer> { ConvBlocks.ConvBnAct("features.0", channels, Width(32), 3, 2, activation: silu) };
        for (int s = 0; s < stages.Length; s++)
        {
            var (expand, kernel, stride, inMaps, outMaps, repeats) = stages[s];
            var blocks = new Layer[Repeats(repeats)];
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = MBConv($"features.{s + 1}.{i}", Width(i == 0 ? inMaps : outMaps), Width(outMaps), kernel, i == 0 ? stride : 1, expand);
            layers.Add(new Sequential($"features.{s + 1}", blocks));
        }
        int last = 4 * Width(320);
        layers.Add(ConvBlocks.ConvBnAct($"features.{stages.Length + 1}", Width(320), last, 1, activation: silu));
        layers.Add(new GlobalAvgPoolLayer("avgpool"));
        layers.Add(new FlattenLayer("flatten"));
        layers.Add(new DropoutLayer("classifier.0", scaling.Dropout, seed));
        layers.Add(new DenseLayer("classifier.1", last, classes));
        return new Sequential("efficientnet", [.. layers]);
    }

    /// <summary>[1×1 expand → BN → SiLU] → dw k×k → BN → SiLU → SE → 1×1 project → BN, with a skip when the shape is kept.</summary>
    public static Layer MBConv(string name, int inChannels, int outChannels, int kernel, int stride, int expandRatio)
    {
        int expanded = ConvBlocks.MakeDivisible(inChannels * (double)expandRatio);
        Func<Activation> silu = () => new SiLU();
        var body = new List<Layer>();
        if (expanded != inChannels) body.Add(ConvBlocks.ConvBnAct($"{name}.expand", inChannels, expanded, 1, activation: silu));
        body.Add(ConvBlocks.ConvBnAct($"{name}.dw", expanded, expanded, kernel, stride, expanded, silu));
        body.Add(ConvBlocks.SqueezeExcite($"{name}.se", expanded, Math.Max(1, inChannels / 4), silu));
        body.Add(ConvBlocks.ConvBnAct($"{name}.project", expanded, outChannels, 1));
        bool skip = stride == 1 && inChannels == outChannels;
        var sequence = new Sequential(skip ? $"{name}.body" : name, [.. body]);
        return skip ? new Residual(name, sequence) : sequence;
    }
}
