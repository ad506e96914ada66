using Microsoft.ML.Data;
using MLNet.Cnn.Data;

namespace MLNet.Cnn.Samples.ImageFolder;

/// <summary>Writes Fashion-MNIST test images as PNG files, one subfolder per class: a real image folder to try the sample on.</summary>
internal static class FashionFolder
{
    public static void Write(string root, int perClass, string? dataDirectory = null)
    {
        var test = FashionMnist.LoadTest(dataDirectory);
        var written = new int[test.ClassCount];
        var bgra = new byte[test.Height * test.Width * 4];
        for (int i = 0; i < test.Count; i++)
        {
            int label = test.Labels[i];
            if (written[label] == perClass) continue;
            var pixels = test.Pixels(i);
            for (int p = 0; p < pixels.Length; p++)
            {
                bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = (byte)Math.Round(Math.Clamp(pixels[p], 0, 1) * 255);
                bgra[4 * p + 3] = 255;
            }
            var folder = Directory.CreateDirectory(Path.Combine(root, test.ClassNames[label].Replace('/', '-')));
            using var image = MLImage.CreateFromPixels(test.Width, test.Height, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(folder.FullName, $"{i:D5}.png"));
            written[label]++;
        }
    }
}
