using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Augment;

/// <summary>
/// CutMix (Yun et al., 2019): paste a box of the partner image into each image. The box has sides √(1 − λ)·W by
/// √(1 − λ)·H (rounded down), a center uniform over the image, and is clipped to the image; the targets then carry
/// λ = 1 − (box area) / (H·W) of the clipped box, as in the paper's code. One box per batch.
/// </summary>
public sealed class CutMix(double alpha = 1.0, double probability = 1.0) : BatchMixing(alpha, probability)
{
    internal override double Mix(Tensor images, Tensor originals, ReadOnlySpan<int> partners, double lambda, Random random)
    {
        int channels = images.Shape[1], height = images.Shape[2], width = images.Shape[3];
        var (x1, y1, x2, y2) = Box(height, width, lambda, random);
        int plane = height * width, size = channels * plane;
        for (int i = 0; i < partners.Length; i++)
            for (int c = 0; c < channels; c++)
                for (int y = y1; y < y2; y++)
                {
                    int row = c * plane + y * width + x1;
                    originals.Span.Slice(partners[i] * size + row, x2 - x1).CopyTo(images.Span.Slice(i * size + row, x2 - x1));
                }
        return 1 - (double)(x2 - x1) * (y2 - y1) / plane;
    }

    /// <summary>The pasted box [x1, x2) × [y1, y2) in pixels, clipped to the image.</summary>
    internal static (int X1, int Y1, int X2, int Y2) Box(int height, int width, double lambda, Random random)
    {
        double side = Math.Sqrt(1 - lambda);
        int boxWidth = (int)(width * side), boxHeight = (int)(height * side);
        int centerX = random.Next(width), centerY = random.Next(height);
        return (Math.Clamp(centerX - boxWidth / 2, 0, width), Math.Clamp(centerY - boxHeight / 2, 0, height),
                Math.Clamp(centerX + boxWidth / 2, 0, width), Math.Clamp(centerY + boxHeight / 2, 0, height));
    }
}
