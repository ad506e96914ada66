using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Detection;

/// <summary>Backbones for the detector (<see cref="YoloNetwork"/>) and the segmentation networks.</summary>
public static class DetectionBackbones
{
    /// <summary>
    /// A small from-scratch backbone for gray canvases of about 96×96 that trains on a few CPU cores in minutes:
    /// <paramref name="stages"/> stages "stage{i}", each conv3×3/2 → BN → ReLU then conv3×3 → BN → ReLU, strides 2, 4, 8, …
    /// (2^stages at the end), widths <paramref name="width"/>·1, 2, 4, 8, 8, … (doubling up to 8×). Initialized from
    /// <paramref name="seed"/>. Height and width must be multiples of 2^stages.
    /// </summary>
    public static Sequential Small(int channels = 1, int width = 16, int stages = 5, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stages);
        var layers = new Layer[stages];
        int inChannels = channels;
        for (int i = 0; i < stages; i++)
        {
            int outChannels = width << Math.Min(i, 3);
            layers[i] = new Sequential($"stage{i + 1}",
                TopDownPath.ConvBnRelu($"stage{i + 1}.down", inChannels, outChannels, 3, stride: 2),
                TopDownPath.ConvBnRelu($"stage{i + 1}.conv", outChannels, outChannels, 3));
            inChannels = outChannels;
        }
        var network = new Sequential("small_backbone", layers);
        Initializer.Initialize(network, seed);
        return network;
    }
}
