using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// AlexNet. Default: torchvision's single-tower variant (64-192-384-256-256 maps, no LRN; 61,100,840 parameters at
/// 3×224×224, 1000 classes). <c>original</c>: Krizhevsky et al. (2012) — 96-256-384-384-256 maps, LRN (size 5,
/// α 1e-4 as Caffe passes it (divided by the size), β 0.75, k 2) after the first two convolutions, and the two-GPU
/// split kept as groups = 2 in conv2, conv4 and conv5 (Caffe's bvlc_alexnet: 60,965,224 parameters). Both pad
/// conv1 by 2, so 224×224 gives the paper's 55×55 maps; the smallest input is 63×63.
/// </summary>
public static class AlexNet
{
    /// <summary>Builds AlexNet (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="height">H of the input images, in pixels.</param>
    /// <param name="width">W of the input images, in pixels.</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="original">The 2012 paper's two-tower layout with LRN instead of torchvision's single tower.</param>
    /// <param name="dropout">The dropout rate of the two hidden dense layers.</param>
    /// <param name="hidden">The units of each hidden dense layer.</param>
    /// <param name="seed">The seed of the dropout masks.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 3, int height = 224, int width = 224, int classes = 1000, bool original = false,
        float dropout = 0.5f, int hidden = 4096, int seed = 0)
    {
        int[] maps = original ? [96, 256, 384, 384, 256] : [64, 192, 384, 256, 256];
        int[] groups = original ? [1, 2, 1, 2, 2] : [1, 1, 1, 1, 1];
        var features = new List<Layer>();
        void Conv(int i, int inChannels, int kernel, int stride, int padding)
        {
            features.Add(new Conv2dLayer($"features.conv{i + 1}", inChannels, maps[i], kernel, stride, padding, groups: groups[i]));
            features.Add(new ActivationLayer($"features.relu{i + 1}", new ReLU()));
            if (original && i < 2) features.Add(new LrnLayer($"features.lrn{i + 1}", 5, 1e-4f, 0.75f, 2f));
        }
        void Pool(int i) => features.Add(new MaxPool2dLayer($"features.pool{i}", 3, 2));
        Conv(0, channels, 11, 4, 2); Pool(1);
        Conv(1, maps[0], 5, 1, 2); Pool(2);
        Conv(2, maps[1], 3, 1, 1);
        Conv(3, maps[2], 3, 1, 1);
        Conv(4, maps[3], 3, 1, 1); Pool(3);
        var featureStack = new Sequential("features", [.. features]);
        int size = Classifier.FeatureSize(featureStack, channels, height, width, "AlexNet");
        return new Sequential(original ? "alexnet_original" : "alexnet",
            [featureStack, .. Classifier.Head(size, hidden, classes, dropout, seed, dropoutFirst: true)]);
    }
}
