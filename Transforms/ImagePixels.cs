using Microsoft.ML;
using Microsoft.ML.Transforms.Image;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// The built-in ImageAnalytics steps from an image column (MLImage) to the pixels a network takes: ResizeImages to
/// width × height (stretched, as torchvision's Resize((h, w)) does), ConvertToGrayscale for one channel, and ExtractPixels
/// in planar [C, H, W] order, channels R, G, B, multiplied by a scale. The CNN trainers and the featurizer read images
/// through these same steps, so a network sees an image the same way in both.
/// </summary>
internal static class ImagePixels
{
    /// <param name="catalog">The transforms catalog of the MLContext.</param>
    /// <param name="userColumn">The user's image column, which the error names (the MLImage column, or the bytes it was decoded from).</param>
    /// <param name="imageColumn">The MLImage column.</param>
    /// <param name="resizedColumn">The resized image's column (internal to the chain).</param>
    /// <param name="pixelColumn">The pixels' column.</param>
    /// <param name="channels">1 (grayscale) or 3 (RGB).</param>
    /// <param name="height">The height the image is resized to.</param>
    /// <param name="width">The width the image is resized to.</param>
    /// <param name="scale">What the 0 … 255 values are multiplied by.</param>
    public static IEstimator<ITransformer> Steps(TransformsCatalog catalog, string userColumn, string imageColumn, string resizedColumn, string pixelColumn,
        int channels, int height, int width, float scale)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"The image column '{userColumn}' gives 1 (grayscale) or 3 (RGB) channels; the network takes {channels}.");
        IEstimator<ITransformer> steps = catalog.ResizeImages(resizedColumn, width, height, imageColumn, ImageResizingEstimator.ResizingKind.Fill);
        if (channels == 1) steps = steps.Append(catalog.ConvertToGrayscale(resizedColumn, resizedColumn));
        var colors = channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb;
        return steps.Append(catalog.ExtractPixels(pixelColumn, resizedColumn, colors, interleavePixelColors: false, scaleImage: scale));
    }
}
