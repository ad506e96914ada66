using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Augment;

/// <summary>
/// Ten-crop scoring (Krizhevsky et al. 2012; torchvision TenCrop): the four corner crops and the centre crop of an
/// image, then the same five of the horizontally mirrored image, in torchvision's order
///   0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right, 4 centre, 5–9 the same of the mirrored image.
/// Crop 5 (top-left of the mirror) is thus the mirror of crop 1's region. The centre crop starts at
/// (round((H − h)/2), round((W − w)/2)), rounding half to even as torchvision's center_crop does.
/// Not an <see cref="IAugmentation"/>: it is deterministic and runs at scoring time.
/// </summary>
public static class TenCrop
{
    /// <summary>The number of crops per image (10).</summary>
    public const int Count = 10;

    /// <summary>The ten crops of an image [C, H, W] as [10, C, cropHeight, cropWidth].</summary>
    public static float[] Crops(ReadOnlySpan<float> image, int channels, int height, int width, int cropHeight, int cropWidth)
    {
        var crops = new float[Count * channels * cropHeight * cropWidth];
        Crops(image, channels, height, width, cropHeight, cropWidth, crops);
        return crops;
    }

    /// <summary>The ten crops written into <paramref name="destination"/> [10, C, cropHeight, cropWidth].</summary>
    public static void Crops(ReadOnlySpan<float> image, int channels, int height, int width, int cropHeight, int cropWidth,
        Span<float> destination)
    {
        Check(channels, height, width, cropHeight, cropWidth);
        int imageSize = channels * height * width, cropSize = channels * cropHeight * cropWidth;
        if (image.Length != imageSize)
            throw new ArgumentException($"A {channels}×{height}×{width} image has {imageSize} values; {image.Length} were given.", nameof(image));
        if (destination.Length != Count * cropSize)
            throw new ArgumentException($"Ten {channels}×{cropHeight}×{cropWidth} crops take {Count * cropSize} values; " +
                $"the destination has {destination.Length}.", nameof(destination));
        var windows = Windows(height, width, cropHeight, cropWidth);
        for (int k = 0; k < Count; k++)
        {
            var window = windows[k];
            var columns = AxisGather.Run(window.Left, cropWidth);
            // Column j of a mirrored crop is column Left + w − 1 − j of the image.
            if (window.Mirrored) columns.AsSpan().Reverse();
            AxisGather.Copy(image, channels, height, width, destination.Slice(k * cropSize, cropSize),
                AxisGather.Run(window.Top, cropHeight), columns, 0f);
        }
    }

    /// <summary>
    /// Where the ten crops of a height × width image lie, in the order above: the region of the image each one copies
    /// (its top-left corner; the size is cropHeight × cropWidth) and whether it is mirrored. Crop 5 + k is the mirror
    /// image of the region that corner k takes in the mirrored image, i.e. of the region at (top, W − left − w).
    /// The ONNX scoring graph (<c>ScoringHead</c>) cuts the same regions.
    /// </summary>
    public static IReadOnlyList<CropWindow> Windows(int height, int width, int cropHeight, int cropWidth)
    {
        Check(1, height, width, cropHeight, cropWidth);
        int bottom = height - cropHeight, right = width - cropWidth;
        int centreTop = (int)Math.Round(bottom / 2.0, MidpointRounding.ToEven);
        int centreLeft = (int)Math.Round(right / 2.0, MidpointRounding.ToEven);
        (int Top, int Left)[] corners = [(0, 0), (0, right), (bottom, 0), (bottom, right), (centreTop, centreLeft)];
        return [.. corners.Select(c => new CropWindow(c.Top, c.Left, false)),
                .. corners.Select(c => new CropWindow(c.Top, width - c.Left - cropWidth, true))];
    }

    /// <summary>
    /// Class probabilities [N, K] of images [N, C, H, W]: softmax of the network's outputs (logits [10N, K], one batch
    /// of all the crops) averaged over each image's ten crops. The network must take cropHeight × cropWidth inputs.
    /// </summary>
    public static Tensor Predict(Layer network, Tensor images, int cropHeight, int cropWidth)
    {
        ArgumentNullException.ThrowIfNull(network);
        Require.Rank(images, 4, nameof(images));
        int n = images.Shape[0], channels = images.Shape[1], height = images.Shape[2], width = images.Shape[3];
        Check(channels, height, width, cropHeight, cropWidth);
        int imageSize = channels * height * width, cropsSize = Count * channels * cropHeight * cropWidth;
        var batch = new Tensor(Count * n, channels, cropHeight, cropWidth);
        for (int i = 0; i < n; i++)
            Crops(images.Span.Slice(i * imageSize, imageSize), channels, height, width, cropHeight, cropWidth,
                batch.Span.Slice(i * cropsSize, cropsSize));

        var logits = network.Forward(batch, training: false);
        if (logits.Shape.Rank != 2 || logits.Shape[0] != Count * n)
            throw new ArgumentException($"Ten-crop needs a network with outputs [10N, K]; '{network.Name}' gave {logits.Shape} " +
                $"for {Count * n} crops.", nameof(network));
        int classes = logits.Shape[1];
        var probabilities = new Tensor(logits.Shape);
        Softmax.Forward(logits, probabilities);
        var mean = new Tensor(n, classes);
        var p = probabilities.Span;
        var m = mean.Span;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < classes; k++)
            {
                double sum = 0;
                for (int crop = 0; crop < Count; crop++) sum += p[(i * Count + crop) * classes + k];
                m[i * classes + k] = (float)(sum / Count);
            }
        return mean;
    }

    private static void Check(int channels, int height, int width, int cropHeight, int cropWidth)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw AugmentArguments.OutOfRange("image", $"{channels}×{height}×{width}", "an image with positive channels, height and width");
        AugmentArguments.Positive(cropHeight, nameof(cropHeight));
        AugmentArguments.Positive(cropWidth, nameof(cropWidth));
        if (cropHeight > height)
            throw AugmentArguments.OutOfRange(nameof(cropHeight), cropHeight, $"at most the image height {height} (image {height}×{width})");
        if (cropWidth > width)
            throw AugmentArguments.OutOfRange(nameof(cropWidth), cropWidth, $"at most the image width {width} (image {height}×{width})");
    }
}

/// <summary>One crop of <see cref="TenCrop"/>: the image region from (<paramref name="Top"/>, <paramref name="Left"/>), mirrored or not.</summary>
public readonly record struct CropWindow(int Top, int Left, bool Mirrored);
