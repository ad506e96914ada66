using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// Samples of every public layer type, for <see cref="LayerRegistryTests"/>: each setting that its registration writes
/// differently (an activation each, both kinds of upsampling size, every pad mode, …).
/// </summary>
internal static class LayerSamples
{
    /// <summary>A layer with the input it takes: an image batch [N, C, H, W] or vectors [N, F].</summary>
    public sealed record Sample(Layer Layer, int[] Input);

    public static readonly Dictionary<Type, Func<Sample[]>> ByType = new()
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
        [typeof(OnnxNetwork)] = () => [new(Imported(), [2, 2, 6, 6])],
        [typeof(Conv2dLayer)] = () =>
        [
            new(new Conv2dLayer("conv", 3, 4, 3, stride: 2, padding: ConvPadding.Same), [2, 3, 7, 6]),
            new(new Conv2dLayer("conv", 4, 6, 3, 1, 2, 1, ConvPadding.Explicit(new Padding2d(1, 0, 2, 1)), dilation: 2, groups: 2, bias: false), [2, 4, 7, 6]),
        ],
        [typeof(ConvTranspose2dLayer)] = () =>
        [
            new(new ConvTranspose2dLayer("up", 3, 4, 2, stride: 2), [2, 3, 3, 4]),
            new(new ConvTranspose2dLayer("up", 4, 6, 3, stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2, bias: false), [2, 4, 3, 3]),
            new(new ConvTranspose2dLayer("up", 2, 4, (3, 2), (3, 2), ConvPadding.Explicit(new Padding2d(1, 0, 2, 1)), (2, 1), groups: 2), [2, 2, 3, 4]),
            new(new ConvTranspose2dLayer("up", 2, 3, (3, 3), (3, 2), outputSize: (8, 9)), [2, 2, 3, 4]),
            new(new ConvTranspose2dLayer("up", 2, 3, (4, 3), (2, 2), ConvPadding.SameLower), [2, 2, 3, 4]),
        ],
        [typeof(DenseLayer)] = () => [new(new DenseLayer("fc", 7, 5), [3, 7]), new(new DenseLayer("fc", 7, 5, bias: false), [3, 7])],
        [typeof(BatchNorm2dLayer)] = () => [new(new BatchNorm2dLayer("bn", 3, epsilon: 1e-3f), [4, 3, 3, 2])],
        [typeof(LrnLayer)] = () =>
        [
            new(new LrnLayer("lrn", 3, alpha: 0.5f, beta: 0.75f, k: 2f), [2, 5, 3, 2]),
            new(new LrnLayer("lrn_even", 4, alpha: 0.5f, beta: 0.6f, k: 1.5f), [2, 5, 3, 2]),
        ],
        [typeof(ActivationLayer)] = () =>
        [
            .. new Activation[] { new ReLU(), new ReLU6(), new Clip(-0.5f, 0.7f), new LeakyReLU(0.1f), new Sigmoid(), new Tanh(), new HardSigmoid(0.3f, 0.4f),
                new HardSwish(), new SiLU(), new Elu(0.5f), new Selu(1.5f, 1.1f), new Celu(1.5f), new Softplus(), new Softsign(), new ThresholdedReLU(0.5f),
                new Exp(), new Neg(), new Abs(), new Reciprocal(), new Erf() }.Select(a => new Sample(new ActivationLayer("act", a), [2, 3, 4, 5])),
            // Log, Sqrt and Atanh, defined on part of the line only, make the round trips in ActivationLayerTests on inputs there.
        ],
        [typeof(PReLULayer)] = () => [new(new PReLULayer("prelu", 3), [2, 3, 4, 4]), new(new PReLULayer("prelu"), [4, 6])],
        [typeof(SoftmaxLayer)] = () => [new(new SoftmaxLayer("softmax"), [2, 3, 2, 2]), new(new SoftmaxLayer("logsoftmax", -1, log: true), [3, 5])],
        [typeof(MaxPool2dLayer)] = () =>
        [
            new(new MaxPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true), [2, 2, 7, 6]),
            new(new MaxPool2dLayer("pool", (3, 2), (2, 1), ConvPadding.Explicit(new Padding2d(1, 0, 0, 1)), dilation: 2), [2, 2, 7, 5]),
            new(new MaxPool2dLayer("pool", (3, 3), (2, 3), ConvPadding.Explicit(new Padding2d(2, 0, 1, 2))), [2, 2, 7, 5]),
        ],
        [typeof(AvgPool2dLayer)] = () =>
        [
            new(new AvgPool2dLayer("pool", 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), [2, 2, 7, 6]),
            new(new AvgPool2dLayer("pool", (1, 3), (1, 2), ConvPadding.Same, countIncludePad: true), [2, 2, 3, 8]),
            new(new AvgPool2dLayer("pool", (4, 3), (2, 2), ConvPadding.SameLower, countIncludePad: false), [2, 2, 7, 6]),
            new(new AvgPool2dLayer("pool", 3, 1, 2, countIncludePad: false), [2, 2, 4, 5]),
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
        [typeof(GroupNormLayer)] = () =>
        [
            new(new GroupNormLayer("gn", 2, 4), [2, 4, 3, 3]),
            new(new GroupNormLayer("instance", 3, 3, 1e-3f), [2, 3, 2, 4]),
            new(GroupNormLayer.PerGroup("per_group", 2), [2, 4, 3, 2]),
        ],
        [typeof(LayerNormLayer)] = () =>
        [
            new(new LayerNormLayer("ln", [3, 4, 5]), [2, 3, 4, 5]),
            new(new LayerNormLayer("last", [5], 1e-3f, bias: false) { InputRank = 4 }, [2, 3, 4, 5]),
            new(new LayerNormLayer("features", [7]), [3, 7]),
        ],
        [typeof(ResizeLayer)] = () =>
        [
            new(new ResizeLayer("nearest", [2f, 1.5f], new ResizeSampling(ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil)), [2, 2, 3, 4]),
            new(new ResizeLayer("linear", [2, 7], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.PytorchHalfPixel)), [2, 2, 3, 4]),
            new(new ResizeLayer("cubic", [2f, 2f], new ResizeSampling(ResizeMode.Cubic, ResizeCoordinates.Asymmetric, CubicA: -0.5f, ExcludeOutside: true)), [1, 2, 3, 4]),
            new(new ResizeLayer("crop", [4, 5], new ResizeSampling(ResizeMode.Linear, ResizeCoordinates.TfCropAndResize, Crop: new([(0.1, 0.9), (-0.2, 1.1)], 2.5f))), [2, 2, 3, 4]),
        ],
    };

    /// <summary>A small convolutional backbone exported and imported back.</summary>
    private static OnnxNetwork Imported()
    {
        var backbone = new Sequential("backbone", new Conv2dLayer("conv", 2, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()), new MaxPool2dLayer("pool", 2));
        return OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(new CnnModel(backbone, new(2, 6, 6), []))));
    }
}
