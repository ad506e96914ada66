using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Augment;

/// <summary>mixup (Zhang, Cisse, Dauphin and Lopez-Paz, 2018): x̃ = λ·x + (1 − λ)·x', ỹ = λ·y + (1 − λ)·y'; α = 0.2 is the paper's ImageNet setting.</summary>
public sealed class Mixup(double alpha = 0.2, double probability = 1.0) : BatchMixing(alpha, probability)
{
    internal override double Mix(Tensor images, Tensor originals, ReadOnlySpan<int> partners, double lambda, Random random)
    {
        int size = images.Shape.SizeFrom(1);
        for (int i = 0; i < partners.Length; i++)
        {
            var image = images.Span.Slice(i * size, size);
            TensorPrimitives.Multiply(image, (float)lambda, image);
            TensorPrimitives.MultiplyAdd(originals.Span.Slice(partners[i] * size, size), (float)(1 - lambda), image, image);
        }
        return lambda;
    }
}
