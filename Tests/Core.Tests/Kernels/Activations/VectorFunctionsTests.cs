using System.Runtime.Intrinsics;
using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// The vector functions the activations are built from, at every vector width, against double-precision references on
/// dense grids: erf within 1e-6 (and relative to the value near 0, where GELU's x·erf(x/√2) is small), expm1 and log1p
/// within a few float roundings relative to the value.
/// </summary>
[TestClass]
public sealed class VectorFunctionsTests
{
    /// <summary>
    /// f at both widths over <paramref name="x"/> (a whole number of 16-float vectors): Vector512 runs in software where the
    /// CPU lacks it, with the same results.
    /// </summary>
    private static IEnumerable<(VectorWidth Width, float[] Y)> AtEveryWidth(float[] x, Func<Vector512<float>, Vector512<float>> f512,
        Func<Vector256<float>, Vector256<float>> f256)
    {
        foreach (var width in new[] { VectorWidth.Bits256, VectorWidth.Bits512 })
        {
            var y = new float[x.Length];
            for (int i = 0; i < x.Length; i += 16)
                if (width == VectorWidth.Bits512) f512(Vector512.Create(x.AsSpan(i, 16))).CopyTo(y.AsSpan(i));
                else
                {
                    f256(Vector256.Create(x.AsSpan(i, 8))).CopyTo(y.AsSpan(i));
                    f256(Vector256.Create(x.AsSpan(i + 8, 8))).CopyTo(y.AsSpan(i + 8));
                }
            yield return (width, y);
        }
    }

    private static float[] Grid(float from, float step, int count) => Enumerable.Range(0, count).Select(i => from + i * step).ToArray();

    [TestMethod]
    public void ErfIsWithinOneMillionthOfTheSeries()
    {
        float[] x = [.. Grid(-6f, 1e-3f, 12000), 1e-30f, -1e-8f, 3e-4f, 0f, float.PositiveInfinity, float.NegativeInfinity, 30f, -1e4f];
        Array.Resize(ref x, (x.Length + 15) / 16 * 16);
        foreach (var (width, y) in AtEveryWidth(x, VectorFunctions.Erf, VectorFunctions.Erf))
            for (int i = 0; i < x.Length; i++)
            {
                double expected = ActivationsReference.ErrorFunction((double)x[i]);
                double tolerance = Math.Abs(x[i]) < 0.5 ? 1e-6 * Math.Abs(expected) + 1e-30 : 1e-6;
                Assert.AreEqual(expected, y[i], tolerance, $"erf({x[i]}) at {width}");
            }
    }

    [TestMethod]
    public void ErfReferenceMatchesKnownValues()
    {
        // erf(0.5), erf(1), erf(2), erf(3) to 16 digits (A&S table 7.1); odd.
        (double X, double Erf)[] known = [(0.5, 0.5204998778130465), (1, 0.8427007929497149), (2, 0.9953222650189527), (3, 0.9999779095030014)];
        foreach (var (x, erf) in known)
        {
            Assert.AreEqual(erf, ActivationsReference.ErrorFunction(x), 1e-15, $"erf({x})");
            Assert.AreEqual(-erf, ActivationsReference.ErrorFunction(-x), 1e-15, $"erf({-x})");
        }
    }

    [TestMethod]
    public void ExpM1AndLog1PKeepSmallResults()
    {
        float[] x = [.. Grid(-20f, 1e-2f, 2000), 1e-7f, -1e-7f, 1e-20f, -3e-5f, -100f, -1e30f, 0f, 5e-8f];
        Array.Resize(ref x, (x.Length + 15) / 16 * 16);
        foreach (var (width, y) in AtEveryWidth(x, VectorFunctions.ExpM1, VectorFunctions.ExpM1))
            for (int i = 0; i < x.Length; i++)
            {
                double expected = Math.Exp(x[i]) - 1 is var e && Math.Abs(x[i]) < 1e-5 ? x[i] + x[i] * (double)x[i] / 2 : e;
                Assert.AreEqual(expected, y[i], 4e-7 * Math.Abs(expected), $"expm1({x[i]}) at {width}");
            }
        float[] u = x.Select(MathF.Abs).ToArray();
        foreach (var (width, y) in AtEveryWidth(u, VectorFunctions.Log1P, VectorFunctions.Log1P))
            for (int i = 0; i < u.Length; i++)
            {
                double expected = u[i] < 1e-5 ? u[i] - u[i] * (double)u[i] / 2 : Math.Log(1 + (double)u[i]);
                Assert.AreEqual(expected, y[i], 4e-7 * Math.Abs(expected), $"log1p({u[i]}) at {width}");
            }
    }
}
