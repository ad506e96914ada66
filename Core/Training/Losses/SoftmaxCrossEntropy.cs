using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Cross-entropy of softmax(logits) [N, C] against class indices [N] (stored as floats) or class probabilities [N, C]
/// (soft labels, e.g. from mixup or cutmix), as PyTorch's CrossEntropyLoss with reduction "mean": label smoothing
/// spreads ε uniformly over the C classes; with class weights the mean divides by the sum of the targets' weights
/// (by N for probabilities). Computed from log-softmax, so logits of any finite size give a finite loss.
/// </summary>
public sealed class SoftmaxCrossEntropy : ILoss
{
    private readonly float _labelSmoothing;
    private readonly float[]? _classWeights;

    /// <param name="labelSmoothing">ε in [0, 1): the target becomes (1 − ε)·one-hot + ε/K.</param>
    /// <param name="classWeights">A weight per class; null for equal weights.</param>
    public SoftmaxCrossEntropy(float labelSmoothing = 0f, float[]? classWeights = null)
    {
        _labelSmoothing = LossArguments.AtLeast(labelSmoothing, 0f, nameof(labelSmoothing));
        if (labelSmoothing > 1f)
            throw new ArgumentException($"labelSmoothing must be in [0, 1]; {labelSmoothing} was given.", nameof(labelSmoothing));
        _classWeights = LossArguments.Weights(classWeights, nameof(classWeights));
    }

    // x [N, C] logits, target [N] indices t or [N, C] probabilities, gradient [N, C]; per row n:
    //   q_n = (1 − ε)·onehot(t_n) + ε/C  (or (1 − ε)·target_n + ε/C),  u_n = w ∘ q_n
    //   loss = −Σ_n u_n · log softmax(x_n) / Z,   Z = Σ_n w_(t_n)  (indices)  or  N  (probabilities)
    //   ∂loss/∂x_n = (softmax(x_n) · Σ_c u_n,c − u_n) / Z
    /// <inheritdoc/>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        LossArguments.PredictionAndGradient(prediction, target, gradient);
        Require.Rank(prediction, 2, nameof(prediction));
        int n = prediction.Shape[0], classes = prediction.Shape[1];
        bool probabilities = target.Shape.Rank == 2;
        if (probabilities)
        {
            Require.Shape(target, prediction.Shape, nameof(target));
            LossArguments.Probabilities(target, nameof(target));
        }
        else
            Require.Shape(target, new TensorShape(n), nameof(target));
        LossArguments.WeightsMatch(_classWeights, prediction, 1, "classWeights");

        LogSoftmax.Forward(prediction, gradient); // each row holds log-probabilities until it is overwritten below
        Span<float> u = classes <= 1024 ? stackalloc float[classes] : new float[classes];
        float spread = _labelSmoothing / classes;
        double total = 0, z = 0;
        for (int i = 0; i < n; i++)
        {
            if (probabilities)
            {
                TensorPrimitives.Multiply(target.Span.Slice(i * classes, classes), 1f - _labelSmoothing, u);
                TensorPrimitives.Add(u, spread, u);
                z += 1;
            }
            else
            {
                int t = LossArguments.ClassIndex(target, i, classes, nameof(target));
                u.Fill(spread);
                u[t] += 1f - _labelSmoothing;
                z += _classWeights?[t] ?? 1f;
            }
            if (_classWeights is not null) TensorPrimitives.Multiply(u, _classWeights, u);
            var row = gradient.Span.Slice(i * classes, classes);
            total -= TensorPrimitives.Dot(u, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Multiply(row, TensorPrimitives.Sum(u), row);
            TensorPrimitives.Subtract(row, u, row);
        }
        return Normalize(gradient, total, z);
    }

    /// <summary>Divides the gradient and the summed loss by Z; with Z = 0 (every weight zero or every target ignored) both are 0.</summary>
    internal static double Normalize(Tensor gradient, double total, double z)
    {
        if (z == 0)
        {
            gradient.Clear();
            return 0;
        }
        TensorPrimitives.Multiply(gradient.Span, (float)(1 / z), gradient.Span);
        return total / z;
    }
}
