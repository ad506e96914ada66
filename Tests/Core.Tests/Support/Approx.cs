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

    /// <summary>
    /// Equal as floats bit for bit (an expected double is rounded to float), except that a NaN equals any NaN: +0 and −0
    /// differ, as the sign of a zero a max or a copy passes on is part of its result.
    /// </summary>
    public static void AssertSameFloats(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, TensorShape? shape = null)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            if (!Same((float)expected[i], actual[i]))
                Assert.Fail($"{what}: element {i}{Coordinates(i, shape)} is {Show(actual[i])}, expected {Show((float)expected[i])} (bit for bit).");
    }

    /// <summary>One value of <see cref="AssertSameFloats"/>.</summary>
    public static void AssertSameFloat(float expected, float actual, string what)
    {
        if (!Same(expected, actual)) Assert.Fail($"{what}: {Show(actual)}, expected {Show(expected)}.");
    }

    private static bool Same(float expected, float actual) => float.IsNaN(expected)
        ? float.IsNaN(actual)
        : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);

    private static string Show(float v) =>
        v == 0 && float.IsNegative(v) ? "-0" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
