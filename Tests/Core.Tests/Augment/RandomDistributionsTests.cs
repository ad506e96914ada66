using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class RandomDistributionsTests
{
    private const int Draws = 200_000;

    private static void AssertMoments(Func<Random, double> draw, double mean, double variance, string what)
    {
        var random = new Random(11);
        double sum = 0, squares = 0;
        for (int i = 0; i < Draws; i++)
        {
            double x = draw(random);
            sum += x;
            squares += x * x;
        }
        double m = sum / Draws, v = squares / Draws - m * m;
        // five standard errors of the mean; the variance is checked to 3 %
        Assert.AreEqual(mean, m, 5 * Math.Sqrt(variance / Draws), $"{what}: mean");
        Assert.AreEqual(variance, v, 0.03 * variance, $"{what}: variance");
    }

    [TestMethod]
    public void NormalHasMeanZeroAndVarianceOne() => AssertMoments(r => r.Normal(), 0, 1, "N(0, 1)");

    [TestMethod]
    public void GammaHasMeanAndVarianceEqualToItsShape()
    {
        foreach (double shape in new[] { 0.3, 1, 3.5 })
            AssertMoments(r => Math.Exp(r.LogGamma(shape)), shape, shape, $"Gamma({shape})");
    }

    [TestMethod]
    public void BetaHasTheTextbookMoments()
    {
        // mean a / (a + b), variance ab / ((a + b)²(a + b + 1))
        foreach (var (a, b) in new[] { (0.2, 0.2), (1.0, 1.0), (2.0, 5.0), (0.01, 0.01) })
            AssertMoments(r => r.Beta(a, b), a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1)), $"Beta({a}, {b})");
    }
}
