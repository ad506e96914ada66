using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The geometry shared by layer, group and instance normalization: x is rows of <see cref="Length"/> values, each row
/// normalized by its own mean and biased variance; row r belongs to group g = r mod <see cref="Groups"/> (the rows of one
/// sample are its groups), and value m of a row is scaled and shifted by parameter g·(Length/Unit) + ⌊m/Unit⌋.
///   layer norm:    Groups 1, Unit 1        (one parameter per normalized value)
///   group norm:    Groups G, Unit H·W      (one per channel; Unit = Length for one per group, as ONNX GroupNormalization-18)
///   instance norm: Groups C, Unit = Length (one per channel, each channel its own row)
/// </summary>
public readonly record struct RowNorm(int Length, int Groups, int Unit)
{
    /// <summary>The number of scale (and shift) parameters: Groups·Length/Unit.</summary>
    public int Parameters => Groups * (Length / Unit);

    /// <summary>The parameter of value m of a row of group g.</summary>
    public int Parameter(int g, int m) => g * (Length / Unit) + m / Unit;
}

/// <summary>
/// Normalization of rows (<see cref="RowNorm"/>): y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the row's mean and biased variance
/// (the same in training and inference: nothing is kept across batches). Statistics are summed in double.
/// Backward: with x̂ = (x − μ)·s, s = 1/√(σ² + ε), and g = γ·dy, dx = s·(g − mean(g) − x̂·mean(g·x̂)) over the row;
/// dγ = Σ dy·x̂ and dβ = Σ dy over the values each parameter scales. <see cref="RowNormReference"/> is the specification.
/// </summary>
public static class RowNormKernel
{
    // x, y [rows, Length]; gamma, beta [Parameters] (beta may be absent: 0); mean, invStd [rows] (written for Backward)
    public static void Forward(RowNorm norm, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> mean, Span<float> invStd)
    {
        int rows = x.Length / norm.Length;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * norm.Length, norm.Length);
            var yr = y.Slice(r * norm.Length, norm.Length);
            double sum = 0, squares = 0;
            foreach (float v in xr) sum += v;
            double mu = sum / norm.Length;
            foreach (float v in xr) squares += (v - mu) * (v - mu);
            float s = (float)(1 / Math.Sqrt(squares / norm.Length + epsilon));
            (mean[r], invStd[r]) = ((float)mu, s);
            int g = r % norm.Groups;
            if (norm.Unit == 1)
            {
                // y = x̂·γ + β with γ, β the row's own values
                TensorPrimitives.Subtract(xr, (float)mu, yr);
                TensorPrimitives.Multiply(yr, s, yr);
                var gammaRow = gamma.Slice(g * norm.Length, norm.Length);
                if (beta.IsEmpty) TensorPrimitives.Multiply(yr, gammaRow, yr);
                else TensorPrimitives.FusedMultiplyAdd(yr, gammaRow, beta.Slice(g * norm.Length, norm.Length), yr);
                continue;
            }
            for (int m = 0; m < norm.Length; m += norm.Unit)
            {
                // y = x·a + b over one parameter's values: a = γ·s, b = β − μ·a
                int p = norm.Parameter(g, m);
                float a = gamma[p] * s, b = (beta.IsEmpty ? 0 : beta[p]) - (float)mu * a;
                TensorPrimitives.Multiply(xr.Slice(m, norm.Unit), a, yr.Slice(m, norm.Unit));
                TensorPrimitives.Add(yr.Slice(m, norm.Unit), b, yr.Slice(m, norm.Unit));
            }
        }
    }

    // x, dy, dx [rows, Length]; gamma [Parameters]; mean, invStd [rows] from Forward; dGamma, dBeta [Parameters] (overwritten; dBeta may be absent)
    public static void Backward(RowNorm norm, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> dGamma, Span<float> dBeta)
    {
        dGamma.Clear();
        dBeta.Clear();
        int rows = x.Length / norm.Length;
        for (int r = 0; r < rows; r++)
        {
            int g = r % norm.Groups, offset = r * norm.Length;
            float mu = mean[r], s = invStd[r];
            double sumG = 0, sumGx = 0;
            for (int m = 0; m < norm.Length; m++)
            {
                int p = norm.Parameter(g, m);
                float xhat = (x[offset + m] - mu) * s, d = dy[offset + m];
                dGamma[p] += d * xhat;
                if (!dBeta.IsEmpty) dBeta[p] += d;
                sumG += gamma[p] * d;
                sumGx += gamma[p] * d * xhat;
            }
            float meanG = (float)(sumG / norm.Length), meanGx = (float)(sumGx / norm.Length);
            for (int m = 0; m < norm.Length; m++)
            {
                float xhat = (x[offset + m] - mu) * s;
                dx[offset + m] = s * (gamma[norm.Parameter(g, m)] * dy[offset + m] - meanG - xhat * meanGx);
            }
        }
    }
}
