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
/// (the same in training and inference: nothing is kept across batches). Statistics are summed in double; rows run in
/// parallel. Backward: with x̂ = (x − μ)·s, s = 1/√(σ² + ε), and g = γ·dy, dx = s·(g − mean(g) − x̂·mean(g·x̂)) over the
/// row (in parallel over rows); dγ = Σ dy·x̂ and dβ = Σ dy over the values each parameter scales (in parallel over
/// parameters). <see cref="RowNormReference"/> is the specification.
/// </summary>
internal static class RowNormKernel
{
    // x, y [rows, Length]; gamma, beta [Parameters] (beta null: 0); mean, invStd [rows] (written for Backward)
    public static void Forward(RowNorm norm, Tensor x, Tensor y, Tensor gamma, Tensor? beta, float epsilon, Tensor mean, Tensor invStd)
    {
        int rows = x.Length / norm.Length;
        PlaneParallel.For(rows, 3L * norm.Length, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = x.Span.Slice(r * norm.Length, norm.Length);
                var yr = y.Span.Slice(r * norm.Length, norm.Length);
                var (mu, s) = Statistics(xr, epsilon);
                (mean.Span[r], invStd.Span[r]) = (mu, s);
                int g = r % norm.Groups;
                if (norm.Unit == 1)
                {
                    // y = x̂·γ + β with γ, β the row's own values
                    TensorPrimitives.Subtract(xr, mu, yr);
                    TensorPrimitives.Multiply(yr, s, yr);
                    var gammaRow = gamma.Span.Slice(g * norm.Length, norm.Length);
                    if (beta is null) TensorPrimitives.Multiply(yr, gammaRow, yr);
                    else TensorPrimitives.FusedMultiplyAdd(yr, gammaRow, beta.Span.Slice(g * norm.Length, norm.Length), yr);
                    continue;
                }
                for (int m = 0; m < norm.Length; m += norm.Unit)
                {
                    // y = x·a + b over one parameter's values: a = γ·s, b = β − μ·a
                    int p = norm.Parameter(g, m);
                    float a = gamma.Span[p] * s, b = (beta is null ? 0 : beta.Span[p]) - mu * a;
                    TensorPrimitives.Multiply(xr.Slice(m, norm.Unit), a, yr.Slice(m, norm.Unit));
                    TensorPrimitives.Add(yr.Slice(m, norm.Unit), b, yr.Slice(m, norm.Unit));
                }
            }
        });
    }

    /// <summary>A row's mean μ and 1/√(σ² + ε), σ² its biased variance, both summed in double.</summary>
    public static (float Mean, float InvStd) Statistics(ReadOnlySpan<float> row, float epsilon)
    {
        double sum = 0, squares = 0;
        foreach (float v in row) sum += v;
        double mean = sum / row.Length;
        foreach (float v in row) squares += (v - mean) * (v - mean);
        return ((float)mean, (float)(1 / Math.Sqrt(squares / row.Length + epsilon)));
    }

    // x, dy, dx [rows, Length]; gamma [Parameters]; mean, invStd [rows] from Forward; dGamma, dBeta [Parameters] (overwritten; dBeta null: no β)
    public static void Backward(RowNorm norm, Tensor x, Tensor dy, Tensor dx, Tensor gamma, Tensor mean, Tensor invStd, Tensor dGamma, Tensor? dBeta)
    {
        int rows = x.Length / norm.Length;
        PlaneParallel.For(rows, 3L * norm.Length, (r0, r1) =>
        {
            var gammaSpan = gamma.Span;
            for (int r = r0; r < r1; r++)
            {
                int g = r % norm.Groups, offset = r * norm.Length;
                float mu = mean.Span[r], s = invStd.Span[r];
                var xr = x.Span.Slice(offset, norm.Length);
                var dyr = dy.Span.Slice(offset, norm.Length);
                var dxr = dx.Span.Slice(offset, norm.Length);
                double sumG = 0, sumGx = 0;
                for (int m = 0; m < norm.Length; m++)
                {
                    float gm = gammaSpan[norm.Parameter(g, m)] * dyr[m];
                    sumG += gm;
                    sumGx += gm * (xr[m] - mu) * s;
                }
                float meanG = (float)(sumG / norm.Length), meanGx = (float)(sumGx / norm.Length);
                for (int m = 0; m < norm.Length; m++)
                    dxr[m] = s * (gammaSpan[norm.Parameter(g, m)] * dyr[m] - meanG - (xr[m] - mu) * s * meanGx);
            }
        });
        // parameter p = (g, u) scales values u·Unit … (u + 1)·Unit − 1 of the rows g, g + Groups, …
        int perGroup = norm.Length / norm.Unit;
        PlaneParallel.For(norm.Parameters, (long)rows / norm.Groups * norm.Unit, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int g = p / perGroup, start = p % perGroup * norm.Unit;
                double sumXhat = 0, sum = 0;
                for (int r = g; r < rows; r += norm.Groups)
                {
                    float mu = mean.Span[r], s = invStd.Span[r];
                    var xr = x.Span.Slice(r * norm.Length + start, norm.Unit);
                    var dyr = dy.Span.Slice(r * norm.Length + start, norm.Unit);
                    for (int m = 0; m < norm.Unit; m++)
                    {
                        sumXhat += dyr[m] * (xr[m] - mu) * s;
                        sum += dyr[m];
                    }
                }
                dGamma.Span[p] = (float)sumXhat;
                if (dBeta is not null) dBeta.Span[p] = (float)sum;
            }
        });
    }
}
