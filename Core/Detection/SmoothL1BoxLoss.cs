using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Smooth-L1 (Huber-like) box regression loss, one value per pair: the sum over the 4 coordinates of
/// 0.5·d²/β where |d| &lt; β and |d| − 0.5·β otherwise, d = predicted − target (torch.nn.functional.smooth_l1_loss with
/// reduction "none", summed per box). β = 0 is the plain L1 loss (its gradient at d = 0 is taken as 0).
/// The coordinates may be corners or encoded offsets; they are not checked as boxes.
/// </summary>
internal static class SmoothL1BoxLoss
{
    // predicted [n, 4], target [n, 4] → losses [n]
    public static void Forward<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target, T beta, Span<T> losses)
        where T : IFloatingPointIeee754<T>
    {
        int count = CheckPairs(predicted, target, beta);
        BoxCheck.Length<T>(losses, count, nameof(losses), "one per box pair");
        T half = T.CreateChecked(0.5);
        for (int i = 0; i < count; i++)
        {
            T sum = T.Zero;
            for (int k = 4 * i; k < 4 * i + 4; k++)
            {
                T d = T.Abs(predicted[k] - target[k]);
                sum += d < beta ? half * d * d / beta : d - half * beta;
            }
            losses[i] = sum;
        }
    }

    // gradLosses [n] → gradPredicted [n, 4]: g·d/β where |d| < β, g·sign(d) otherwise.
    public static void Backward<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target, T beta, ReadOnlySpan<T> gradLosses,
        Span<T> gradPredicted) where T : IFloatingPointIeee754<T>
    {
        int count = CheckPairs(predicted, target, beta);
        BoxCheck.Length(gradLosses, count, nameof(gradLosses), "one per box pair");
        BoxCheck.Length<T>(gradPredicted, predicted.Length, nameof(gradPredicted), "the shape of predicted");
        for (int k = 0; k < 4 * count; k++)
        {
            T d = predicted[k] - target[k];
            T slope = T.Abs(d) < beta ? d / beta : T.CreateChecked(T.Sign(d));
            gradPredicted[k] = gradLosses[k / 4] * slope;
        }
    }

    private static int CheckPairs<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target, T beta) where T : IFloatingPointIeee754<T>
    {
        if (!(beta >= T.Zero))
            throw new ArgumentException($"beta must be ≥ 0; {beta} was given.", nameof(beta));
        int count = BoxCheck.Count(predicted, nameof(predicted));
        if (target.Length != predicted.Length)
            throw new ArgumentException(
                $"target has length {target.Length}; expected the length of predicted, {predicted.Length}.", nameof(target));
        return count;
    }
}
