using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>The check every kernel test relies on must itself be able to fail, and say where.</summary>
[TestClass]
public sealed class KernelCheckTests
{
    /// <summary>A "kernel" y = 2x, its reference, and a fast version that may be wrong at one element or skip one.</summary>
    private static void Double(KernelCheck check, int wrongAt = -1, int skipAt = -1)
    {
        var x = check.Random("x", 2, 3, 2, 2);
        var y = check.Output("y", 2, 3, 2, 2);
        check.FastMatchesReference(
            () =>
            {
                for (int i = 0; i < x.F.Length; i++)
                    if (i != skipAt) y.F.Span[i] = 2 * x.F.Span[i] + (i == wrongAt ? 1e-3f : 0f);
            },
            () =>
            {
                for (int i = 0; i < x.D.Length; i++) y.D[i] = 2 * x.D[i];
            },
            (y, 1e-4));
    }

    [TestMethod]
    public void AMatchingPairPasses() => Double(new KernelCheck("Double", "case 1"));

    [TestMethod]
    public void AMismatchNamesTheKernelTheOutputTheShapeAndTheFirstWrongElement()
    {
        var e = Assert.ThrowsExactly<AssertFailedException>(() => Double(new KernelCheck("Double", "case 1"), wrongAt: 17));
        foreach (string part in new[] { "Double y [2, 3, 2, 2] at case 1", "element 17 at [1, 1, 0, 1]", "tolerance 0.0001" })
            StringAssert.Contains(e.Message, part);
    }

    [TestMethod]
    public void APassWithNothingToCompareFails()
    {
        var check = new KernelCheck("Nothing", "case 1");
        Assert.ThrowsExactly<AssertFailedException>(() => check.FastMatchesReference(() => { }, () => { }));
        Assert.ThrowsExactly<AssertFailedException>(() => check.FastMatchesReferenceBitwise(() => { }, () => { }));
    }

    [TestMethod]
    public void AnOutputElementLeftUnwrittenFails()
    {
        var e = Assert.ThrowsExactly<AssertFailedException>(() => Double(new KernelCheck("Double", "case 1"), skipAt: 5));
        StringAssert.Contains(e.Message, "element 5 at [0, 1, 0, 1] is NaN");
    }

    [TestMethod]
    public void AWrongReferenceGradientFailsNamingTheOperand()
    {
        // y = a ⊙ b: ∂L/∂a = dy ⊙ b, ∂L/∂b = dy ⊙ a; the backward under test gets ∂L/∂b wrong.
        var check = new KernelCheck("Product", "[7]");
        var (a, b) = (check.Random("a", 7), check.Random("b", 7));
        void Forward(double[][] v, double[] y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = v[0][i] * v[1][i];
        }
        void Backward(double[][] v, double[] dy, double[][] d, bool wrong)
        {
            for (int i = 0; i < dy.Length; i++) (d[0][i], d[1][i]) = (dy[i] * v[1][i], dy[i] * (wrong ? v[1][i] : v[0][i]));
        }
        check.ReferenceMatchesFiniteDifferences(7, [a, b], Forward, (v, dy, d) => Backward(v, dy, d, wrong: false));
        var e = Assert.ThrowsExactly<AssertFailedException>(() =>
            check.ReferenceMatchesFiniteDifferences(7, [a, b], Forward, (v, dy, d) => Backward(v, dy, d, wrong: true)));
        StringAssert.Contains(e.Message, "Product db at [7]");
    }

    [TestMethod]
    public void BitwiseTellsSignedZerosApartAndCatchesAnOutputLeftUnwrittenWhereNaNIsExpected()
    {
        // A "copy" kernel whose fast version writes +0 for −0, or skips an element the reference sets to NaN.
        void Copy(float[] values, bool flipZeros, int skipAt)
        {
            var check = new KernelCheck("Copy", "[4]");
            var x = check.From("x", Tensor.FromArray(values, values.Length));
            var y = check.Output("y", values.Length);
            check.FastMatchesReferenceBitwise(
                () =>
                {
                    for (int i = 0; i < values.Length; i++)
                        if (i != skipAt) y.F.Span[i] = flipZeros && x.F.Span[i] == 0 ? 0f : x.F.Span[i];
                },
                () => x.D.CopyTo(y.D, 0), y);
        }

        float[] values = [1f, -0f, float.NaN, 0f];
        Copy(values, flipZeros: false, skipAt: -1);
        StringAssert.Contains(Assert.ThrowsExactly<AssertFailedException>(() => Copy(values, flipZeros: true, skipAt: -1)).Message,
            "element 1 is 0, expected -0");
        StringAssert.Contains(Assert.ThrowsExactly<AssertFailedException>(() => Copy(values, flipZeros: false, skipAt: 2)).Message,
            "element 2 is -12345.678, expected NaN");
    }
}
