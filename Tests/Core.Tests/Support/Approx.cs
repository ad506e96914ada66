namespace MLNet.Cnn.Tests.Support;

/// <summary>Element-wise comparison with a tolerance relative to max(1, |expected|).</summary>
public static class Approx
{
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            CheckOne(expected[i], actual[i], tolerance, what, i);
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            CheckOne(expected[i], actual[i], tolerance, what, i);
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what) =>
        AssertClose(TestData.ToDouble(expected), actual, tolerance, what);

    /// <summary>
    /// Equal values (±∞ included) pass; otherwise NaN or ∞ on either side fails (|∞ − x| &gt; tolerance·∞ is false, so
    /// the relative test alone would let any value stand for an expected ∞ or NaN).
    /// </summary>
    private static void CheckOne(double expected, double actual, double tolerance, string what, int index)
    {
        if (expected == actual) return;
        if (!double.IsFinite(expected) || !double.IsFinite(actual) ||
            Math.Abs(expected - actual) > tolerance * Math.Max(1.0, Math.Abs(expected)))
            Assert.Fail($"{what}: element {index} is {actual}, expected {expected} (tolerance {tolerance}).");
    }
}
