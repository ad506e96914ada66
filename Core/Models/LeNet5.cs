using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// LeNet-5 (LeCun et al., 1998) as it is usually trained today: two 5×5 convolutions (6 and 16 maps) each
/// followed by an activation and 2×2 pooling, then dense layers 120 → 84 → classes. The first convolution
/// pads by 2 so a 28×28 image gives the 32×32 geometry of the paper. Default: ReLU and max pooling; the
/// paper's tanh and average pooling are an option. 61,706 parameters for 1×28×28 and 10 classes.
/// </summary>
public static class LeNet5
{
    /// <summary>Builds LeNet-5 (see the type's summary).</summary>
    /// <param name="channels">C of the input images [C, H, W].</param>
    /// <param name="height">H of the input images, in pixels.</param>
    /// <param name="width">W of the input images, in pixels.</param>
    /// <param name="classes">The number of output classes (the logits [N, classes]).</param>
    /// <param name="classic">The paper's tanh and average pooling instead of ReLU and max pooling.</param>
    /// <returns>A new network taking [N, C, H, W] and giving [N, classes] logits.</returns>
    public static Sequential Build(int channels = 1, int height = 28, int width = 28, int classes = 10, bool classic = false)
    {
        Layer Act(string name) => new ActivationLayer(name, classic ? new Tanh() : new ReLU());
        Layer Pool(string name) => classic ? new AvgPool2dLayer(name, 2) : new MaxPool2dLayer(name, 2);
        // Spatial size after conv1 (same size, padding 2), pool, conv2 (valid 5×5), pool.
        int h = ((height / 2) - 4) / 2, w = ((width / 2) - 4) / 2;
        if (h <= 0 || w <= 0)
            throw new ArgumentException($"LeNet-5 needs images of at least 12×12; {height}×{width} was given.", nameof(height));
        return new Sequential("lenet5",
            new Conv2dLayer("conv1", channels, 6, 5, padding: 2), Act("act1"), Pool("pool1"),
            new Conv2dLayer("conv2", 6, 16, 5), Act("act2"), Pool("pool2"),
            new FlattenLayer("flatten"),
            new DenseLayer("fc1", 16 * h * w, 120), Act("act3"),
            new DenseLayer("fc2", 120, 84), Act("act4"),
            new DenseLayer("fc3", 84, classes));
    }
}
