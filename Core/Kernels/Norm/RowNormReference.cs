using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="RowNormKernel"/>, value by value in T: μ = Σx/M, σ² = Σ(x − μ)²/M per row,
/// y = γ_p·(x − μ)/√(σ² + ε) + β_p; the backward is the chain rule through μ and σ² (as batch normalization's, per row).
/// </summary>
internal static class RowNormReference
{
    // x, y [rows, M]; gamma, beta [Parameters] (beta empty: 0)
    public static void Forward<T>(RowNorm norm, ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon)
        where T : IFloatingPointIeee754<T>
    {
        int rows = x.Length / norm.Length;
        for (int r = 0; r < rows; r++)
        {
            var (mean, invStd) = Statistics(norm, x, r, epsilon);
            for (int m = 0; m < norm.Length; m++)
            {
                int p = norm.Parameter(r % norm.Groups, m), i = r * norm.Length + m;
                y[i] = gamma[p] * (x[i] - mean) * invStd + (beta.IsEmpty ? T.Zero : beta[p]);
            }
        }
    }

    // x, dy, dx [rows, M]; dGamma, dBeta [Parameters] (overwritten; dBeta empty: no shift)
    public static void Backward<T>(RowNorm norm, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, ReadOnlySpan<T> gamma, T epsilon,
        Span<T> dGamma, Span<T> dBeta) where T : IFloatingPointIeee754<T>
    {
        dGamma.Clear();
        dBeta.Clear();
        int rows = x.Length / norm.Length;
        T count = T.CreateChecked(norm.Length);
        for (int r = 0; r < rows; r++)
        {
            var (mean, invStd) = Statistics(norm, x, r, epsilon);
            // ∂L/∂x̂ = γ·dy; ∂L/∂σ² = Σ ∂L/∂x̂·(x − μ)·(−½)·s³; ∂L/∂μ = −s·Σ ∂L/∂x̂ (the σ² term's Σ(x − μ) is 0)
            T dVariance = T.Zero, dMean = T.Zero;
            for (int m = 0; m < norm.Length; m++)
            {
                int p = norm.Parameter(r % norm.Groups, m), i = r * norm.Length + m;
                T dXhat = gamma[p] * dy[i];
                dVariance += dXhat * (x[i] - mean) * -T.CreateChecked(0.5) * invStd * invStd * invStd;
                dMean -= dXhat * invStd;
                dGamma[p] += dy[i] * (x[i] - mean) * invStd;
                if (!dBeta.IsEmpty) dBeta[p] += dy[i];
            }
            for (int m = 0; m < norm.Length; m++)
            {
                int p = norm.Parameter(r % norm.Groups, m), i = r * norm.Length + m;
                dx[i] = gamma[p] * dy[i] * invStd + dVariance * T.CreateChecked(2) * (x[i] - mean) / count + dMean / count;
            }
        }
    }

    private static (T Mean, T InvStd) Statistics<T>(RowNorm norm, ReadOnlySpan<T> x, int r, T epsilon) where T : IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked(norm.Length), sum = T.Zero, squares = T.Zero;
        for (int m = 0; m < norm.Length; m++) sum += x[r * norm.Length + m];
        T mean = sum / count;
        for (int m = 0; m < norm.Length; m++) squares += (x[r * norm.Length + m] - mean) * (x[r * norm.Length + m] - mean);
        return (mean, T.One / T.Sqrt(squares / count + epsilon));
    }
}
