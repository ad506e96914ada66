using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// Soft Dice loss for segmentation (Milletari et al., V-Net, 2016, multi-class as segmentation_models_pytorch's
/// DiceLoss from logits): logits [N, C, H, W] against class indices [N, H, W] (stored as floats). The probabilities are
/// the softmax over classes at each pixel; the sums run over the whole batch, skipping pixels whose target is
/// <c>ignoreIndex</c>; <c>smooth</c> keeps a class absent from both prediction and target at Dice 1.
/// Pair it with <see cref="PixelwiseCrossEntropy"/> for thin structures and rare classes.
/// </summary>
public sealed class DiceLoss : ILoss
{
    private readonly float _smooth;
    private readonly int? _ignoreIndex;

    /// <param name="smooth">Added to numerator and denominator, so empty classes give no division by zero.</param>
    /// <param name="ignoreIndex">A target value whose pixels are left out; null for none.</param>
    public DiceLoss(float smooth = 1f, int? ignoreIndex = null)
    {
        // A class absent from both prediction and target would be 0 / 0 without it.
        _smooth = float.IsFinite(smooth) && smooth > 0 ? smooth
            : throw new ArgumentException($"smooth must be a finite number > 0; {smooth} was given.", nameof(smooth));
        _ignoreIndex = ignoreIndex;
    }

    // x [N, C, H, W], p = softmax_c(x) per pixel, g = onehot(t) [N, C, H, W]; over the pixels j with t_j ≠ ignoreIndex:
    //   I_c = Σ_j p_cj g_cj,  U_c = Σ_j p_cj + Σ_j g_cj,  dice_c = (2 I_c + s) / (U_c + s),  loss = 1 − (1/C) Σ_c dice_c
    //   ∂loss/∂p_cj = −(1/C) · (2 g_cj (U_c + s) − (2 I_c + s)) / (U_c + s)²
    //   ∂loss/∂x_kj = p_kj · (∂loss/∂p_kj − Σ_c p_cj ∂loss/∂p_cj)   (softmax's Jacobian; 0 at ignored pixels)
    /// <inheritdoc/>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        var (n, classes, plane) = LossArguments.PixelTargets(prediction, target, gradient);

        Softmax.Forward(prediction, gradient, axis: 1); // p, turned into the gradient below
        var p = gradient.Span;
        var targets = new int[n * plane];
        var intersection = new double[classes];
        var union = new double[classes];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < plane; j++)
            {
                int t = targets[i * plane + j] = LossArguments.ClassOrIgnored(target, i * plane + j, classes, _ignoreIndex);
                if (t < 0) continue;
                for (int c = 0; c < classes; c++) union[c] += p[(i * classes + c) * plane + j];
                intersection[t] += p[(i * classes + t) * plane + j];
                union[t] += 1;
            }

        double loss = 1, s = _smooth;
        var dp = new double[classes];
        for (int c = 0; c < classes; c++) loss -= (2 * intersection[c] + s) / (union[c] + s) / classes;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < plane; j++)
            {
                int t = targets[i * plane + j];
                double weighted = 0;
                for (int c = 0; c < classes; c++)
                {
                    double u = union[c] + s;
                    dp[c] = t < 0 ? 0 : -((c == t ? 2 * u : 0) - (2 * intersection[c] + s)) / (u * u * classes);
                    weighted += p[(i * classes + c) * plane + j] * dp[c];
                }
                for (int c = 0; c < classes; c++)
                {
                    int at = (i * classes + c) * plane + j;
                    p[at] = t < 0 ? 0f : (float)(p[at] * (dp[c] - weighted));
                }
            }
        return loss;
    }
}
