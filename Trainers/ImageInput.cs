using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Where a trainer's pixels come from. A float vector column is used as it is. An MLImage column (LoadImages) goes
/// through built-in ImageAnalytics steps first — ResizeImages to Width×Height (stretched, as torchvision’s Resize((h, w)) does), ConvertToGrayscale when Channels = 1, and
/// ExtractPixels in planar [C, H, W] order scaled by <see cref="CnnTrainerOptions.ImagePixelScale"/> — and the same steps
/// are the first of the scoring chain, so scoring takes the same images.
/// </summary>
internal static class ImageInput
{
    /// <summary>The pixel column the network reads when the input is an image (internal to the scoring chain).</summary>
    public const string PixelColumnName = "CnnPixels";
    private const string ResizedColumnName = "CnnResizedImage";

    public static bool IsImage(DataViewType type) => type is ImageDataViewType;

    /// <summary>The built-in steps from the image column to <see cref="PixelColumnName"/>.</summary>
    public static IEstimator<ITransformer> ToPixels(MLContext ml, CnnTrainerOptions o, TensorShape image)
    {
        int channels = image[0], height = image[1], width = image[2];
        if (channels is not (1 or 3))
            throw new ArgumentException($"The image column '{o.FeatureColumnName}' gives 1 (grayscale) or 3 (RGB) channels; the network takes {channels}.");
        IEstimator<ITransformer> steps = ml.Transforms.ResizeImages(ResizedColumnName, width, height, o.FeatureColumnName,
            ImageResizingEstimator.ResizingKind.Fill);
        if (channels == 1) steps = steps.Append(ml.Transforms.ConvertToGrayscale(ResizedColumnName, ResizedColumnName));
        var colors = channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb;
        return steps.Append(ml.Transforms.ExtractPixels(PixelColumnName, ResizedColumnName, colors,
            interleavePixelColors: false, scaleImage: o.ImagePixelScale));
    }
}
