using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tool.Data;

/// <summary>The images <c>export --int8</c> calibrates on, as the network takes them (<see cref="ModelInputImages"/>).</summary>
internal static class CalibrationImages
{
    /// <summary>At most this many images, evenly spaced over the folder's files (onnxruntime.quantization's advice: a few hundred).</summary>
    public const int MaxImages = 500;

    /// <summary>[N, C, H, W] for <paramref name="model"/>'s input shape, from the image files of <paramref name="folder"/> and its subfolders.</summary>
    public static Tensor Load(string folder, CnnModel model)
    {
        var files = ImageFiles.Of(folder);
        int count = Math.Min(MaxImages, files.Count);
        return ModelInputImages.Load([.. Enumerable.Range(0, count).Select(i => files[(int)((long)i * files.Count / count)])], model);
    }
}
