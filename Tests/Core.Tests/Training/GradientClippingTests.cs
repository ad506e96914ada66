using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class GradientClippingTests
{
    [TestMethod]
    public void ClipByGlobalNorm_ReturnsTheNormBefore_AndScalesByMaxNormOverNorm()
    {
        // Gradients [3, 0] and [4]: n = √(9 + 16) = 5; scale = 1/(5 + 1e-6): 3 → 0.59999988, 4 → 0.79999984.
        // A frozen parameter is left out of the norm and keeps its gradient.
        var a = Grad(3f, 0f);
        var b = Grad(4f);
        var frozen = Grad(100f);
        frozen.Frozen = true;
        double norm = GradientClipping.ClipByGlobalNorm([a, b, frozen], maxNorm: 1f);
        Assert.AreEqual(5.0, norm, 1e-12);
        Approx.AssertClose([0.59999988, 0], a.Gradient.Span, 1e-7, "a");
        Approx.AssertClose([0.79999984], b.Gradient.Span, 1e-7, "b");
        Assert.AreEqual(100f, frozen.Gradient.Span[0]);
    }

    [TestMethod]
    public void ClipByGlobalNorm_BelowTheLimit_LeavesGradientsExactly()
    {
        // 0, 1, …, 36 (a length that is no multiple of the vector width): n = √(36·37·73/6) = √16206 = 127.30278866.
        var values = Enumerable.Range(0, 37).Select(i => (float)i).ToArray();
        var p = Grad(values);
        Assert.AreEqual(127.30278865759382, GradientClipping.ClipByGlobalNorm([p], maxNorm: 200f), 1e-9);
        CollectionAssert.AreEqual(values, p.Gradient.ToArray());
    }

    [TestMethod]
    public void ClipByGlobalNorm_NonFiniteNorm_IsReturnedWithoutScaling()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var a = Grad(3f, bad);
            var b = Grad(4f);
            double norm = GradientClipping.ClipByGlobalNorm([a, b], maxNorm: 1f);
            Assert.IsFalse(double.IsFinite(norm), $"{bad}: norm {norm}");
            Assert.AreEqual(3f, a.Gradient.Span[0]);
            Assert.AreEqual(4f, b.Gradient.Span[0]);
        }
    }

    [TestMethod]
    public void ClipByValue_ClampsEveryElement()
    {
        var p = Grad(-3f, 0.5f, 2f, -1f);
        GradientClipping.ClipByValue([p], limit: 1f);
        CollectionAssert.AreEqual(new[] { -1f, 0.5f, 1f, -1f }, p.Gradient.ToArray());
    }

    [TestMethod]
    public void InvalidLimits_AreRejected()
    {
        ArgumentAssert.Throws(() => GradientClipping.ClipByGlobalNorm([Grad(1f)], 0f), "maxNorm", "0");
        ArgumentAssert.Throws(() => GradientClipping.ClipByValue([Grad(1f)], -1f), "limit", "-1");
    }

    private static Parameter Grad(params float[] gradient)
    {
        var p = new Parameter("p", new Tensor(gradient.Length), ParameterRole.Weight);
        gradient.CopyTo(p.Gradient.Span);
        return p;
    }
}
