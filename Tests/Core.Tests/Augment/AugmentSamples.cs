using MLNet.Cnn.Augment;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Augment;

/// <summary>Samples for the augmentation tests, and a Random that returns chosen draws.</summary>
public static class AugmentSamples
{
    /// <summary>A random image [C, H, W] with values in [0, 1), a random mask of 3 classes, one box and two keypoints.</summary>
    public static AugmentationSample Random(int seed, int channels, int height, int width)
    {
        var pixels = TestData.Floats(seed, channels * height * width);
        foreach (ref float v in pixels.AsSpan()) v = (v + 1) / 2;
        var random = new Random(seed);
        return new AugmentationSample(pixels, channels, height, width)
        {
            Mask = Enumerable.Range(0, height * width).Select(_ => random.Next(3)).ToArray(),
            Boxes = [0.25f * width, 0.5f * height, 0.75f * width, height],
            Keypoints = [0.5f, 0.5f, width * 0.75f, height * 0.25f],
        };
    }

    /// <summary>
    /// A black image with one bright pixel (row, column) in every channel, mask class 1 there (0 elsewhere), the box of
    /// that pixel and a keypoint at its centre: the targets must follow the bright pixel through any geometric op.
    /// </summary>
    public static AugmentationSample BrightPixel(int channels, int height, int width, int row, int column)
    {
        var pixels = new float[channels * height * width];
        for (int c = 0; c < channels; c++) pixels[(c * height + row) * width + column] = 1;
        var mask = new int[height * width];
        mask[row * width + column] = 1;
        return new AugmentationSample(pixels, channels, height, width)
        {
            Mask = mask,
            Boxes = [column, row, column + 1, row + 1],
            Keypoints = [column + 0.5f, row + 0.5f],
        };
    }

    /// <summary>The intensity-weighted centre (x, y) of channel 0, in continuous pixel coordinates.</summary>
    public static (double X, double Y) Centroid(AugmentationSample sample)
    {
        var plane = sample.Plane(0);
        double sum = 0, x = 0, y = 0;
        for (int i = 0; i < sample.Height; i++)
            for (int j = 0; j < sample.Width; j++)
            {
                double v = plane[i * sample.Width + j];
                (sum, x, y) = (sum + v, x + v * (j + 0.5), y + v * (i + 0.5));
            }
        return (x / sum, y / sum);
    }

    public static AugmentationSample Copy(AugmentationSample sample) =>
        new(sample.Pixels.ToArray(), sample.Channels, sample.Height, sample.Width)
        {
            Mask = sample.Mask?.ToArray(),
            Boxes = sample.Boxes?.ToArray(),
            Keypoints = sample.Keypoints?.ToArray(),
        };

    public static void AssertSame(AugmentationSample expected, AugmentationSample actual, string what)
    {
        Assert.AreEqual((expected.Height, expected.Width), (actual.Height, actual.Width), $"{what}: size");
        CollectionAssert.AreEqual(expected.Pixels.ToArray(), actual.Pixels.ToArray(), $"{what}: pixels");
        CollectionAssert.AreEqual(expected.Mask, actual.Mask, $"{what}: mask");
        CollectionAssert.AreEqual(expected.Boxes, actual.Boxes, $"{what}: boxes");
        CollectionAssert.AreEqual(expected.Keypoints, actual.Keypoints, $"{what}: keypoints");
    }
}
