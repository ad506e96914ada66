using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>Element-wise comparison with a tolerance relative to max(1, |expected|).</summary>
public static class Approx
{
    /// <summary>With <paramref name="shape"/>, a failure also gives the mismatching element's coordinates in it.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what,
        TensorShape? shape = null)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            CheckOne(expected[i], actual[i], tolerance, what, i, shape);
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
    private static void CheckOne(double expected, double actual, double tolerance, string what, int index, TensorShape? shape = null)
    {
        if (expected == actual) return;
        if (!double.IsFinite(expected) || !double.IsFinite(actual) ||
            Math.Abs(expected - actual) > tolerance * Math.Max(1.0, Math.Abs(expected)))
            Assert.Fail($"{what}: element {index}{Coordinates(index, shape)} is {actual}, expected {expected} (tolerance {tolerance}).");
    }

    /// <summary>" at [n, c, h, w]" for a flat index into a row-major tensor of <paramref name="shape"/>; "" without one.</summary>
    private static string Coordinates(int index, TensorShape? shape)
    {
        if (shape is not { Rank: > 1 } s) return "";
        var at = new int[s.Rank];
        for (int axis = s.Rank - 1; axis >= 0; axis--)
        {
            at[axis] = index % s[axis];
            index /= s[axis];
        }
        return $" at [{string.Join(", ", at)}]";
    }
}
