using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// Loss and errors of a regression network on a dataset of N images with T targets each (prediction ŷ, target y):
/// <list type="bullet">
/// <item>MeanAbsoluteError = Σ|ŷ − y| / (N·T) and RootMeanSquaredError = √(Σ(ŷ − y)² / (N·T)), over all N·T values;</item>
/// <item>RSquared: per target t, R²_t = 1 − Σ_i(ŷ − y)² / Σ_i(y − ȳ_t)², averaged over the T targets with equal weight
/// (scikit-learn's r2_score with multioutput="uniform_average"); a target constant over the dataset has R²_t = 1 if
/// predicted exactly, else 0 (scikit-learn's force_finite).</item>
/// </list>
/// </summary>
public sealed record RegressionEvaluation(double Loss, double MeanAbsoluteError, double RootMeanSquaredError, double RSquared)
{
    /// <summary>Runs the network in inference mode over a regression dataset (or other source), in order, batch by batch.</summary>
    public static RegressionEvaluation Of(Layer network, IBatchSource data, ILoss loss, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Layout.IsRegression)
            throw new ArgumentException($"The dataset holds {data.Layout}, not regression targets; measure classification with Evaluation.Of.", nameof(data));
        int targets = data.Layout.TargetCount;
        var residualSquares = new double[targets];   // Σ_i (ŷ_it − y_it)² per target t
        var values = new float[(long)data.Count * targets];   // every y, in order, for R²'s second pass
        int read = 0;
        double absoluteSum = 0;
        double meanLoss = EvaluationPass.MeanLoss(network, data, loss, batchSize, (output, target) =>
        {
            absoluteSum += AbsoluteErrorSum(output, target);
            AddSquaredErrors(output, target, residualSquares);
            target.Span.CopyTo(values.AsSpan(read));
            read += target.Length;
        });
        var totalSquares = TotalSquares(values, targets);
        double rSquared = 0;
        for (int t = 0; t < targets; t++)
            rSquared += totalSquares[t] > 0 ? 1 - residualSquares[t] / totalSquares[t] : residualSquares[t] == 0 ? 1 : 0;
        double all = (double)data.Count * targets;
        return new RegressionEvaluation(meanLoss, absoluteSum / all, Math.Sqrt(residualSquares.Sum() / all), rSquared / targets);
    }

    /// <summary>Σ|ŷ − y| over all values of output and target, both [n, T].</summary>
    internal static double AbsoluteErrorSum(Tensor output, Tensor target)
    {
        Require.SameShape(output, target, nameof(output), nameof(target));
        ReadOnlySpan<float> y = target.Span, prediction = output.Span;
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += Math.Abs((double)prediction[i] - y[i]);
        return sum;
    }

    // output, target [n, T]:  sums[t] += Σ_i (ŷ_it − y_it)²
    private static void AddSquaredErrors(Tensor output, Tensor target, double[] sums)
    {
        ReadOnlySpan<float> y = target.Span, prediction = output.Span;
        for (int i = 0; i < y.Length; i++)
        {
            double error = (double)prediction[i] - y[i];
            sums[i % sums.Length] += error * error;
        }
    }

    /// <summary>Σ_i (y_it − ȳ_t)² for each target t of <paramref name="values"/> [n, targets], ȳ_t its mean over the n images.</summary>
    private static double[] TotalSquares(float[] values, int targets)
    {
        int count = values.Length / targets;
        var mean = new double[targets];
        for (int i = 0; i < count; i++)
            for (int t = 0; t < targets; t++) mean[t] += values[i * targets + t];
        for (int t = 0; t < targets; t++) mean[t] /= count;
        var total = new double[targets];
        for (int i = 0; i < count; i++)
            for (int t = 0; t < targets; t++) total[t] += Math.Pow(values[i * targets + t] - mean[t], 2);
        return total;
    }
}
