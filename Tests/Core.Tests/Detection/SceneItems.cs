using MLNet.Cnn.Data;

namespace MLNet.Cnn.Tests.Detection;

/// <summary>
/// Synthetic stand-ins for Fashion-MNIST: 28×28 gray items of <paramref name="classes"/> classes, item i a soft-edged
/// ellipse whose radii, centre and shading depend on i (one item is blank, to check it is never chosen as an object).
/// </summary>
public static class SceneItems
{
    public static ImageDataset Make(int count = 30, int classes = 10, int size = 28)
    {
        var pixels = new float[count * size * size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % classes;
            if (n == count - 1) continue; // blank
            double rx = 4 + n % 7 * 1.5, ry = 5 + n % 5 * 1.8, cx = 14 + n % 3 - 1, cy = 14 - n % 4 + 1.5;
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    double d = Math.Sqrt(Math.Pow((j + 0.5 - cx) / rx, 2) + Math.Pow((i + 0.5 - cy) / ry, 2));
                    double edge = Math.Clamp((1 - d) * 4, 0, 1); // a soft rim a quarter of the radius wide
                    pixels[(n * size + i) * size + j] = (float)(edge * (0.6 + 0.4 * ((i + j + n) % 5) / 4.0));
                }
        }
        return new ImageDataset(pixels, labels, 1, size, size, Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray());
    }
}
