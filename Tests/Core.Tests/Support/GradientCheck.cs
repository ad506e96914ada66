namespace MLNet.Cnn.Tests.Support;

/// <summary>
/// Checks an analytic backward pass against central finite differences, in double precision.
/// With a random upstream gradient g and y = f(x), the scalar L(x) = Σ g·f(x) has ∂L/∂x = backward(g);
/// each checked coordinate compares backward(g)[i] with (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h.
/// </summary>
public static class GradientCheck
{
    public static void AssertMatchesFiniteDifferences(string what, double[] x, Func<double[], double[]> forward,
        Func<double[], double[]> backward, int seed = 1, double step = 1e-5, double tolerance = 1e-6, int maxChecked = 300)
    {
        var random = new Random(seed);
        double[] y = forward(x);
        var g = new double[y.Length];
        for (int i = 0; i < g.Length; i++) g[i] = random.NextDouble() * 2 - 1;
        double[] analytic = backward(g);
        Assert.AreEqual(x.Length, analytic.Length, $"{what}: gradient length");

        var indices = Enumerable.Range(0, x.Length).ToArray();
        if (indices.Length > maxChecked) random.Shuffle(indices);
        foreach (int i in indices.Take(maxChecked))
        {
            double saved = x[i];
            x[i] = saved + step;
            double plus = Dot(g, forward(x));
            x[i] = saved - step;
            double minus = Dot(g, forward(x));
            x[i] = saved;
            double numeric = (plus - minus) / (2 * step);
            if (Math.Abs(numeric - analytic[i]) > tolerance * Math.Max(1.0, Math.Abs(numeric)))
                Assert.Fail($"{what}: ∂L/∂x[{i}] analytic {analytic[i]}, finite difference {numeric}.");
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
