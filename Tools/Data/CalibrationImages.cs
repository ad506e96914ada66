using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Tool.Data;

/// <summary>
/// The images <c>export --int8</c> calibrates on, as the network takes them: read, resized and converted by the trainer's
/// own steps (<see cref="ImagePixels"/>: stretched to H×W, grayscale for one channel, planes R, G, B), scaled as the
/// trainer scales (<see cref="CnnTrainerOptions.ImagePixelScale"/>'s default) and normalized by the model's normalization.
/// </summary>
internal static class CalibrationImages
{
    /// <summary>At most this many images, evenly spaced over the folder's files (onnxruntime.quantization's advice: a few hundred).</summary>
    public const int MaxImages = 500;

    private const string ImageColumn = "Image", ResizedColumn = "Resized", PixelColumn = "Pixels";

    /// <summary>[N, C, H, W] for <paramref name="model"/>'s input shape, from the image files of <paramref name="folder"/> and its subfolders.</summary>
    public static Tensor Load(string folder, CnnModel model)
    {
        var files = ImageFiles.Of(folder);
        int count = Math.Min(MaxImages, files.Count);
        var chosen = Enumerable.Range(0, count).Select(i => files[(int)((long)i * files.Count / count)]).ToArray();
        var (channels, height, width) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        var ml = new MLContext(seed: 1);
        var paths = ml.Data.LoadFromEnumerable(chosen.Select(f => new PathRow { ImagePath = f }));
        var steps = ml.Transforms.LoadImages(ImageColumn, imageFolder: null, nameof(PathRow.ImagePath))
            .Append(ImagePixels.Steps(ml.Transforms, nameof(PathRow.ImagePath), ImageColumn, ResizedColumn, PixelColumn, channels, height, width,
                new CnnMulticlassOptions().ImagePixelScale));
        var pixels = steps.Fit(paths).Transform(paths).GetColumn<float[]>(PixelColumn).ToArray();

        int plane = height * width;
        var images = new Tensor(pixels.Length, channels, height, width);
        var target = images.Span;
        for (int n = 0; n < pixels.Length; n++)
            for (int c = 0; c < channels; c++)
            {
                float mean = model.Normalization.Mean[c], std = model.Normalization.Std[c];
                for (int p = 0; p < plane; p++)
                    target[(n * channels + c) * plane + p] = (pixels[n][c * plane + p] - mean) / std;   // (x − mean[c]) / std[c]
            }
        return images;
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
