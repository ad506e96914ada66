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

    private static void CheckOne(double expected, double actual, double tolerance, string what, int index)
    {
        if (double.IsNaN(actual) || Math.Abs(expected - actual) > tolerance * Math.Max(1.0, Math.Abs(expected)))
            Assert.Fail($"{what}: element {index} is {actual}, expected {expected} (tolerance {tolerance}).");
    }
}
