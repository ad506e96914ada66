using System.Numerics;
using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// Gradient clipping before an optimizer step. Frozen parameters are left out, as PyTorch leaves out
/// parameters that do not require a gradient.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// torch.nn.utils.clip_grad_norm_: n = √(Σ g²) over all gradients (accumulated in double); when
    /// c = maxNorm/(n + 10⁻⁶) &lt; 1 every gradient is scaled by c. Returns n, the norm before clipping; a
    /// non-finite n is returned without scaling anything (the caller stops training).
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, float maxNorm)
    {
        Hyperparameter.Positive(maxNorm, nameof(maxNorm));
        var trainable = Trainable(parameters);
        double sumOfSquares = 0;
        foreach (var parameter in trainable) sumOfSquares += SumOfSquares(parameter.Gradient.Span);
        double norm = Math.Sqrt(sumOfSquares);
        double scale = maxNorm / (norm + 1e-6);
        if (double.IsFinite(norm) && scale < 1)
            foreach (var parameter in trainable)
                TensorPrimitives.Multiply(parameter.Gradient.Span, (float)scale, parameter.Gradient.Span);
        return norm;
    }

    /// <summary>torch.nn.utils.clip_grad_value_: every gradient element is clamped to [−limit, limit].</summary>
    public static void ClipByValue(IEnumerable<Parameter> parameters, float limit)
    {
        Hyperparameter.Positive(limit, nameof(limit));
        foreach (var parameter in Trainable(parameters))
            TensorPrimitives.Clamp(parameter.Gradient.Span, -limit, limit, parameter.Gradient.Span);
    }

    private static Parameter[] Trainable(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [.. parameters.Where(p => !p.Frozen)];
    }

    /// <summary>Σ x², each square and the sum in double.</summary>
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        var sums = Vector<double>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(values[i..]), out var low, out var high);
            sums += low * low + high * high;
        }
        double sum = Vector.Sum(sums);
        for (; i < values.Length; i++) sum += (double)values[i] * values[i];
        return sum;
    }
}
