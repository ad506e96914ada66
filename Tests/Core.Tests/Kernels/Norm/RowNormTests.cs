using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// <see cref="RowNormKernel"/> against <see cref="RowNormReference"/> in the geometries of layer, group (per channel and per
/// group) and instance normalization, and the reference's backward (x, γ, β) against finite differences.
/// </summary>
[TestClass]
public sealed class RowNormTests
{
    // rows, geometry: [N = 2] samples
    private static readonly Dictionary<string, (int Rows, RowNorm Norm)> Geometries = new()
    {
        ["layer [2, 3·4·5]"] = (2, new RowNorm(60, 1, 1)),
        ["layer [6, 5]"] = (6, new RowNorm(5, 1, 1)),
        ["group 2 of [2, 4, 3×3]"] = (4, new RowNorm(18, 2, 9)),
        ["group 2 per group"] = (4, new RowNorm(18, 2, 18)),
        ["instance [2, 3, 7]"] = (6, new RowNorm(7, 3, 7)),
        ["group 4 of [2, 8, 64×64]"] = (8, new RowNorm(8192, 4, 4096)),
    };

    public static IEnumerable<object[]> Names => Geometries.Keys.Select(name => new object[] { name });

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        var (rows, norm) = Geometries[name];
        int length = rows * norm.Length;
        var check = new KernelCheck("RowNorm", name);
        var (x, dy) = (check.Random("x", new TensorShape(length), scale: 2f, offset: 0.5f), check.Random("dy", length));
        var (gamma, beta) = (check.Random("gamma", norm.Parameters), check.Random("beta", norm.Parameters));
        var (y, dx, dGamma, dBeta) = (check.Output("y", length), check.Output("dx", length), check.Output("dGamma", norm.Parameters), check.Output("dBeta", norm.Parameters));
        Tensor mean = new(rows), invStd = new(rows);
        check.FastMatchesReference(() => RowNormKernel.Forward(norm, x.F, y.F, gamma.F, beta.F, 1e-5f, mean, invStd),
            () => RowNormReference.Forward<double>(norm, x.D, y.D, gamma.D, beta.D, 1e-5), (y, 1e-4));
        check.FastMatchesReference(
            () => RowNormKernel.Backward(norm, x.F, dy.F, dx.F, gamma.F, mean, invStd, dGamma.F, dBeta.F),
            () => RowNormReference.Backward<double>(norm, x.D, dy.D, dx.D, gamma.D, 1e-5, dGamma.D, dBeta.D), (dx, 1e-4), (dGamma, 1e-4), (dBeta, 1e-4));
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        foreach (var (rows, norm) in Geometries.Values.Where(g => g.Norm.Length < 100))
        {
            var check = new KernelCheck("RowNorm reference", norm);
            int length = rows * norm.Length;
            check.ReferenceMatchesFiniteDifferences(length,
                [check.Random("x", length), check.Random("gamma", norm.Parameters), check.Random("beta", norm.Parameters)],
                (v, y) => RowNormReference.Forward<double>(norm, v[0], y, v[1], v[2], 1e-3),
                (v, dy, d) => RowNormReference.Backward<double>(norm, v[0], dy, d[0], v[1], 1e-3, d[1], d[2]), tolerance: 1e-5);
        }
    }

    [TestMethod]
    public void WithoutAShiftTheOutputIsTheScaledNormalizedRow()
    {
        // [1, 2, 3]: μ = 2, σ² = 2/3; γ = [1, 2, 3], no β
        Tensor y = new(3), mean = new(1), invStd = new(1);
        RowNormKernel.Forward(new RowNorm(3, 1, 1), Tensor.FromArray([1f, 2f, 3f], 3), y, Tensor.FromArray([1f, 2f, 3f], 3), null, 0f, mean, invStd);
        double s = 1 / Math.Sqrt(2 / 3.0);
        Approx.AssertClose([-s, 0, 3 * s], y.Span, 1e-6, "y");
        Approx.AssertClose([2.0], mean.Span, 1e-7, "mean");
    }
}
