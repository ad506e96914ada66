using System.Buffers;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Per-pixel softmax cross-entropy for segmentation: logits [N, C, H, W] against class indices [N, H, W] (stored as
/// floats), as PyTorch's CrossEntropyLoss on 4-D input with reduction "mean": pixels whose target equals
/// <c>ignoreIndex</c> count for nothing, and the mean divides by the summed class weights of the counted pixels.
/// </summary>
public sealed class PixelwiseCrossEntropy : ILoss
{
    private readonly float[]? _classWeights;
    private readonly int? _ignoreIndex;

    /// <param name="classWeights">A weight per class; null for equal weights.</param>
    /// <param name="ignoreIndex">A target class value whose pixels are left out (e.g. 255); null for none.</param>
    public PixelwiseCrossEntropy(float[]? classWeights = null, int? ignoreIndex = null)
    {
        _classWeights = LossArguments.Weights(classWeights, nameof(classWeights));
        _ignoreIndex = ignoreIndex;
    }

    // x [N, C, H, W] logits, target [N, H, W] indices t, gradient [N, C, H, W]; over the pixels j with t_j ≠ ignoreIndex:
    //   loss = −Σ_j w_(t_j) · log softmax(x_j)_(t_j) / Σ_j w_(t_j)
    //   ∂loss/∂x_(c, j) = w_(t_j) · (softmax(x_j)_c − [c = t_j]) / Σ_j w_(t_j)   (0 at ignored pixels)
    /// <inheritdoc/>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        var (n, classes, plane) = LossArguments.PixelTargets(prediction, target, gradient);
        LossArguments.WeightsMatch(_classWeights, prediction, 1, "classWeights");

        LogSoftmax.Forward(prediction, gradient); // log-probabilities, turned into the gradient image by image
        var g = gradient.Span;
        float[] rented = ArrayPool<float>.Shared.Rent(plane);
        var scale = rented.AsSpan(0, plane); // w_(t_j) per pixel of one image, 0 where ignored
        double total = 0, z = 0;
        try
        {
            for (int i = 0; i < n; i++)
            {
                int image = i * classes * plane;
                for (int j = 0; j < plane; j++)
                {
                    int t = LossArguments.ClassOrIgnored(target, i * plane + j, classes, _ignoreIndex);
                    scale[j] = t < 0 ? 0f : _classWeights?[t] ?? 1f;
                    if (t < 0) continue;
                    total -= scale[j] * g[image + t * plane + j];
                    z += scale[j];
                }
                for (int c = 0; c < classes; c++)
                {
                    var gc = g.Slice(image + c * plane, plane);
                    TensorPrimitives.Exp(gc, gc);
                    TensorPrimitives.Multiply(gc, scale, gc);
                }
                for (int j = 0; j < plane; j++)
                {
                    int t = LossArguments.ClassOrIgnored(target, i * plane + j, classes, _ignoreIndex);
                    if (t >= 0) g[image + t * plane + j] -= scale[j];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
        return SoftmaxCrossEntropy.Normalize(gradient, total, z);
    }
}
