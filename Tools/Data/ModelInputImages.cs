using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Tool.Data;

/// <summary>
/// Image files as the network takes them (<c>export --int8</c>'s calibration images, <c>explain</c>'s image): read, resized and converted by the trainer's
/// own steps (<see cref="ImagePixels"/>: stretched to H×W, grayscale for one channel, planes R, G, B), scaled as the
/// trainer scales (<see cref="CnnTrainerOptions.ImagePixelScale"/>'s default) and normalized by the model's normalization.
/// </summary>
internal static class ModelInputImages
{
    private const string ImageColumn = "Image", ResizedColumn = "Resized", PixelColumn = "Pixels";

    /// <summary>[N, C, H, W] for <paramref name="model"/>'s input shape from <paramref name="files"/> (checked image files, <see cref="ImageFiles"/>).</summary>
    public static Tensor Load(IReadOnlyList<string> files, CnnModel model)
    {
        var (channels, height, width) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        var ml = new MLContext(seed: 1);
        var paths = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { ImagePath = f }));
        var steps = ml.Transforms.LoadImages(ImageColumn, imageFolder: null, nameof(PathRow.ImagePath))
            .Append(ImagePixels.Steps(ml.Transforms, nameof(PathRow.ImagePath), ImageColumn, ResizedColumn, PixelColumn, channels, height, width,
                new CnnMulticlassOptions().ImagePixelScale));
        var pixels = steps.Fit(paths).Transform(paths).GetColumn<float[]>(PixelColumn).ToArray();

        var images = new Tensor(pixels.Length, channels, height, width);
        int size = channels * height * width;
        for (int n = 0; n < pixels.Length; n++) model.Normalization.Apply(pixels[n], images.Span.Slice(n * size, size));
        return images;
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
