namespace MLNet.Cnn.Tests.Support;

/// <summary>The comparison every kernel test relies on must itself be able to fail.</summary>
[TestClass]
public sealed class ApproxTests
{
    [TestMethod]
    public void InfinityAndNaNMatchOnlyThemselves()
    {
        Approx.AssertClose([double.NegativeInfinity, 1.0], new float[] { float.NegativeInfinity, 1f }, 0, "equal");
        Fails(double.NegativeInfinity, 5f);
        Fails(double.PositiveInfinity, float.NegativeInfinity);
        Fails(double.NaN, 0f);
        Fails(1.0, float.NaN);
        Fails(1.0, float.PositiveInfinity);
        Fails(1.0, 1.1f);
    }

    private static void Fails(double expected, float actual) =>
        Assert.ThrowsExactly<AssertFailedException>(() => Approx.AssertClose([expected], new[] { actual }, 1e-3, "probe"));
}
