using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Element-wise functions of float vectors that System.Runtime.Intrinsics lacks, for the activations' vector operators:
/// e^x − 1 and ln(1 + x) accurate near 0 (where e^x − 1 and ln(1 + x) computed as written lose the small result to the
/// rounding of 1), and the error function. Each is written once per vector width, as the same formula.
/// </summary>
internal static class VectorFunctions
{
    /// <summary>2/√π, the factor of the error function's integral and of its derivative.</summary>
    public const float TwoOverSqrtPi = 1.1283791670955126f;

    // Abramowitz & Stegun 7.1.26: erf(x) ≈ 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^−x², t = 1/(1 + p·x), x ≥ 0,
    // absolute error ≤ 1.5e-7 (in exact arithmetic; float rounding adds about as much).
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    /// <summary>Below this |x| the error function is its Maclaurin series (A&amp;S 7.1.5), accurate relative to the small result.</summary>
    private const float SeriesBelow = 0.5f;

    // The series' coefficients (2/√π)·(−1)^n / (n!·(2n + 1)), n = 0 … 6: the first term left out is below 4e-10 at |x| = 0.5.
    private const float S0 = TwoOverSqrtPi, S1 = -TwoOverSqrtPi / 3, S2 = TwoOverSqrtPi / 10, S3 = -TwoOverSqrtPi / 42,
        S4 = TwoOverSqrtPi / 216, S5 = -TwoOverSqrtPi / 1320, S6 = TwoOverSqrtPi / 9360;

    /// <summary>
    /// e^x − 1 as u − 1 scaled by x / ln u, u = e^x (Kahan's correction: the rounding of u cancels), x where u rounds to 1,
    /// and −1 where u − 1 is −1 (x below about −17).
    /// </summary>
    public static Vector512<float> ExpM1(Vector512<float> x)
    {
        var u = Vector512.Exp(x);
        var um1 = u - Vector512<float>.One;
        var corrected = um1 * x / Vector512.Log(u);
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<float>.One), x,
            Vector512.ConditionalSelect(Vector512.Equals(um1, Vector512.Create(-1f)), um1, corrected));
    }

    public static Vector256<float> ExpM1(Vector256<float> x)
    {
        var u = Vector256.Exp(x);
        var um1 = u - Vector256<float>.One;
        var corrected = um1 * x / Vector256.Log(u);
        return Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<float>.One), x,
            Vector256.ConditionalSelect(Vector256.Equals(um1, Vector256.Create(-1f)), um1, corrected));
    }

    /// <summary>ln(1 + x), x ≥ 0, as ln w · x / (w − 1), w = 1 + x (Goldberg's correction), and x where w rounds to 1.</summary>
    public static Vector512<float> Log1P(Vector512<float> x)
    {
        var w = Vector512<float>.One + x;
        return Vector512.ConditionalSelect(Vector512.Equals(w, Vector512<float>.One), x, Vector512.Log(w) * x / (w - Vector512<float>.One));
    }

    public static Vector256<float> Log1P(Vector256<float> x)
    {
        var w = Vector256<float>.One + x;
        return Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<float>.One), x, Vector256.Log(w) * x / (w - Vector256<float>.One));
    }

    /// <summary>erf(x): the series below |x| = 0.5, A&amp;S 7.1.26 above (with x's sign); absolute error below 1e-6 for every x.</summary>
    public static Vector512<float> Erf(Vector512<float> x)
    {
        var z = x * x;
        var series = x * (Vector512.Create(S0) + z * (Vector512.Create(S1) + z * (Vector512.Create(S2) + z * (Vector512.Create(S3)
            + z * (Vector512.Create(S4) + z * (Vector512.Create(S5) + z * Vector512.Create(S6)))))));
        var t = Vector512<float>.One / (Vector512<float>.One + Vector512.Abs(x) * P);
        var poly = t * (Vector512.Create(A1) + t * (Vector512.Create(A2) + t * (Vector512.Create(A3) + t * (Vector512.Create(A4) + t * A5))));
        var tail = Vector512<float>.One - poly * Vector512.Exp(-z);
        var signed = Vector512.ConditionalSelect(Vector512.Create(-0f), x, tail); // the sign bit of x, the magnitude of tail
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(SeriesBelow)), series, signed);
    }

    public static Vector256<float> Erf(Vector256<float> x)
    {
        var z = x * x;
        var series = x * (Vector256.Create(S0) + z * (Vector256.Create(S1) + z * (Vector256.Create(S2) + z * (Vector256.Create(S3)
            + z * (Vector256.Create(S4) + z * (Vector256.Create(S5) + z * Vector256.Create(S6)))))));
        var t = Vector256<float>.One / (Vector256<float>.One + Vector256.Abs(x) * P);
        var poly = t * (Vector256.Create(A1) + t * (Vector256.Create(A2) + t * (Vector256.Create(A3) + t * (Vector256.Create(A4) + t * A5))));
        var tail = Vector256<float>.One - poly * Vector256.Exp(-z);
        var signed = Vector256.ConditionalSelect(Vector256.Create(-0f), x, tail);
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(SeriesBelow)), series, signed);
    }
}
