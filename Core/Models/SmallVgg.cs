using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// A small VGG-style network for 28×28–64×64 images (Fashion-MNIST, CIFAR-size data): one stage per width, each
/// of <c>convsPerStage</c> 3×3 convolution → batch norm → ReLU blocks (no bias: batch norm has one) followed by
/// 2×2 max pooling; then flatten → dropout → dense(hidden) → ReLU → dropout → dense(classes). Layers are named
/// "stage{s}.conv{i}.conv|bn|act", "stage{s}.pool", "dropout1", "fc1", "relu", "dropout2", "fc2".
/// The default (widths 16-32, one convolution per stage, 128 hidden units, dropout 0.25) is the Fashion-MNIST
/// sample's network: at 1×28×28 and 10 classes, 7·7·32 = 1,568 features and 206,970 parameters
/// (176 + 4,672 in the stages, 200,832 + 1,290 in the head).
/// </summary>
public static class SmallVgg
{
    /// <summary>Builds the small VGG (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="height">H of the input images, in pixels.</param>
    /// <param name="width">W of the input images, in pixels.</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="widths">The width of each stage; null for 16-32.</param>
    /// <param name="convsPerStage">Convolution blocks per stage.</param>
    /// <param name="hidden">The units of the hidden dense layer.</param>
    /// <param name="dropout">The dropout rate before each dense layer.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 1, int height = 28, int width = 28, int classes = 10, int[]? widths = null,
        int convsPerStage = 1, int hidden = 128, float dropout = 0.25f, int seed = 0)
    {
        widths ??= [16, 32];
        if (widths.Length == 0 || widths.Any(w => w <= 0))
            throw new ArgumentException($"widths must be positive; [{string.Join(", ", widths)}] was given.", nameof(widths));
        if (convsPerStage <= 0)
            throw new ArgumentException($"convsPerStage must be positive; {convsPerStage} was given.", nameof(convsPerStage));
        var stages = new List<Layer>();
        int inChannels = channels;
        for (int stage = 1; stage <= widths.Length; stage++)
        {
            for (int conv = 1; conv <= convsPerStage; conv++)
            {
                stages.Add(ConvBlocks.ConvBnAct($"stage{stage}.conv{conv}", inChannels, widths[stage - 1], 3, activation: () => new ReLU()));
                inChannels = widths[stage - 1];
            }
            stages.Add(new MaxPool2dLayer($"stage{stage}.pool", 2));
        }
        var features = new Sequential("features", [.. stages]);
        int size = Classifier.FeatureSize(features, channels, height, width, "SmallVgg");
        return new Sequential("small_vgg",
            features,
            new FlattenLayer("flatten"),
            new DropoutLayer("dropout1", dropout, seed + 1),
            new DenseLayer("fc1", size, hidden),
            new ActivationLayer("relu", new ReLU()),
            new DropoutLayer("dropout2", dropout, seed + 2),
            new DenseLayer("fc2", hidden, classes));
    }
}
