using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using MLNet.Cnn.Tests.Shared;

namespace MLNet.Cnn.Transforms.Tests;

/// <summary>
/// A synthetic image task and a small CNN trained on it by the core: 2×8×8 images whose first channel has a bright row
/// near the top, the middle or the bottom (the class), on noise; the second channel is noise only.
/// </summary>
public static class StripeImages
{
    public const int Channels = 2, Side = 8, Pixels = Channels * Side * Side;
    public static readonly string[] ClassNames = ["top", "middle", "bottom"];

    /// <summary>The normalization the network was trained with; the featurizer must apply it itself.</summary>
    public static readonly Normalization Normalization = new([0.4f, 0.25f], [0.5f, 0.15f]);

    public sealed class Image
    {
        [VectorType(Pixels)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public static List<Image> Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Image>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3);
            var pixels = SyntheticImages.Noise(random, Pixels);
            SyntheticImages.BrightRow(pixels, Side, label * 3 + random.Next(2));
            rows.Add(new Image { Features = pixels, Label = ClassNames[label] });
        }
        return rows;
    }

    /// <summary>The images as one normalized [N, C, H, W] tensor: what the core network takes.</summary>
    public static Tensor Normalized(IReadOnlyList<Image> images)
    {
        var tensor = new Tensor(images.Count, Channels, Side, Side);
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++)
        {
            int c = i / (Side * Side) % Channels;
            span[i] = (images[i / Pixels].Features[i % Pixels] - Normalization.Mean[c]) / Normalization.Std[c];
        }
        return tensor;
    }

    private static readonly Lazy<CnnModel> Trained = new(Train);

    /// <summary>features (conv → relu → pool) → flatten → fc, trained for a few epochs on normalized images.</summary>
    public static CnnModel Model => Trained.Value;

    private static CnnModel Train()
    {
        var network = new Sequential("net",
            new Sequential("features", new Conv2dLayer("conv", Channels, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
                new MaxPool2dLayer("pool", 2)),
            new FlattenLayer("flatten"),
            new DenseLayer("fc", 4 * (Side / 2) * (Side / 2), ClassNames.Length));
        Initializer.Initialize(network, seed: 1);
        var images = Make(600, 1);
        var labels = images.Select(i => Array.IndexOf(ClassNames, i.Label)).ToArray();
        var data = new ImageDataset(Normalized(images).ToArray(), labels, Channels, Side, Side, ClassNames);
        Trainer.Fit(network, data, null, new TrainerOptions
        {
            Epochs = 3, BatchSize = 32, Seed = 1, Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f),
        });
        return new CnnModel(network, new TensorShape(Channels, Side, Side), ClassNames, Normalization);
    }
}
