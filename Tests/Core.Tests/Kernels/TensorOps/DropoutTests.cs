using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed class DropoutTests
{
    [TestMethod]
    public void MatchesReferenceWithTheSameSeed()
    {
        int seed = 0;
        foreach (int[] shape in new[] { new[] { 1 }, new[] { 3, 17 }, new[] { 2, 3, 5, 7 }, new[] { 4, 16, 32, 32 } })
            foreach (float p in new[] { 0f, 0.1f, 0.5f, 0.9f })
                foreach (bool training in new[] { true, false })
                {
                    seed++;
                    var x = TestData.Tensor(seed, shape);
                    var y = new Tensor(shape);
                    var mask = new Tensor(shape);
                    Dropout.Forward(x, y, mask, p, new Random(seed), training);
                    double[] expectedY = new double[x.Length], expectedMask = new double[x.Length];
                    DropoutReference.Forward<double>(TestData.ToDouble(x.Span), expectedY, expectedMask, p, new Random(seed), training);
                    string what = $"{x.Shape} p={p} training={training}";
                    Approx.AssertClose(expectedMask, mask.Span, 1e-6, what + " mask");
                    Approx.AssertClose(expectedY, y.Span, 1e-6, what + " y");

                    var dy = TestData.Tensor(seed + 1, shape);
                    var dx = new Tensor(shape);
                    Dropout.Backward(dy, mask, dx);
                    double[] expectedDx = new double[x.Length];
                    DropoutReference.Backward<double>(TestData.ToDouble(dy.Span), expectedMask, expectedDx);
                    Approx.AssertClose(expectedDx, dx.Span, 1e-6, what + " dx");
                }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        double[] x = TestData.ToDouble(TestData.Floats(3, 80));
        // Reseeding in every forward call keeps the mask fixed while x moves.
        GradientCheck.AssertMatchesFiniteDifferences("dropout", x,
            input =>
            {
                double[] y = new double[input.Length], mask = new double[input.Length];
                DropoutReference.Forward<double>(input, y, mask, 0.3f, new Random(42), training: true);
                return y;
            },
            dy =>
            {
                double[] y = new double[x.Length], mask = new double[x.Length], dx = new double[x.Length];
                DropoutReference.Forward<double>(x, y, mask, 0.3f, new Random(42), training: true);
                DropoutReference.Backward<double>(dy, mask, dx);
                return dx;
            });
    }

    [TestMethod]
    public void SeedDecidesTheMaskAndAboutPOfTheElementsAreDropped()
    {
        const float p = 0.3f;
        var x = new Tensor(100_000);
        x.Span.Fill(2f);
        Tensor Draw(int seed)
        {
            var mask = new Tensor(x.Shape);
            Dropout.Forward(x, new Tensor(x.Shape), mask, p, new Random(seed), training: true);
            return mask;
        }
        var first = Draw(7);
        CollectionAssert.AreEqual(first.ToArray(), Draw(7).ToArray(), "same seed, same mask");
        CollectionAssert.AreNotEqual(first.ToArray(), Draw(8).ToArray(), "another seed, another mask");

        var y = new Tensor(x.Shape);
        Dropout.Forward(x, y, new Tensor(x.Shape), p, new Random(7), training: true);
        int dropped = y.ToArray().Count(v => v == 0f);
        // Binomial(10⁵, 0.3): standard deviation ≈ 145; 5σ either way.
        Assert.IsTrue(Math.Abs(dropped - 30_000) < 725, $"{dropped} of 100000 dropped, expected about 30000");
        // Kept elements are scaled by 1/(1 − p), so the mean stays 2.
        Assert.IsTrue(y.ToArray().Where(v => v != 0f).All(v => Math.Abs(v - 2f / 0.7f) < 1e-6f));
        Assert.AreEqual(2.0, y.ToArray().Average(v => (double)v), 0.02);
    }

    [TestMethod]
    public void InferenceIsTheIdentityAndBackwardPassesDyThrough()
    {
        var x = TestData.Tensor(1, 2, 3, 4, 5);
        var y = new Tensor(x.Shape);
        var mask = new Tensor(x.Shape);
        Dropout.Forward(x, y, mask, 0.5f, new Random(1), training: false);
        CollectionAssert.AreEqual(x.ToArray(), y.ToArray());
        var dy = TestData.Tensor(2, 2, 3, 4, 5);
        var dx = new Tensor(x.Shape);
        Dropout.Backward(dy, mask, dx);
        CollectionAssert.AreEqual(dy.ToArray(), dx.ToArray());
    }

    [TestMethod]
    public void HandComputed()
    {
        // The first four draws of new Random(0), and p = 0.5: kept where the draw is ≥ 0.5, scaled by 2.
        var random = new Random(0);
        float[] expectedMask = Enumerable.Range(0, 4).Select(_ => random.NextDouble() >= 0.5 ? 2f : 0f).ToArray();
        var x = Tensor.FromArray([1f, -2f, 3f, -4f], 4);
        var y = new Tensor(4);
        var mask = new Tensor(4);
        Dropout.Forward(x, y, mask, 0.5f, new Random(0), training: true);
        CollectionAssert.AreEqual(expectedMask, mask.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f, -4f }.Select((v, i) => v * expectedMask[i]).ToArray(), y.ToArray());
        var dx = new Tensor(4);
        Dropout.Backward(Tensor.FromArray([1f, 1f, 1f, 1f], 4), mask, dx);
        CollectionAssert.AreEqual(expectedMask, dx.ToArray());
    }

    [TestMethod]
    [DataRow(-0.1f)]
    [DataRow(1f)]
    [DataRow(1.5f)]
    [DataRow(float.NaN)]
    public void ProbabilityOutsideZeroToOneIsRefused(float p)
    {
        var x = new Tensor(3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Dropout.Forward(x, new Tensor(3), new Tensor(3), p, new Random(0), true));
        Assert.AreEqual("p", e.ParamName);
        StringAssert.Contains(e.Message, "[0, 1)");
    }

    [TestMethod]
    public void BadTensorsNameTheParameter()
    {
        var x = new Tensor(2, 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Dropout.Forward(x, new Tensor(2, 3), new Tensor(3, 2), 0.5f, new Random(0), true));
        Assert.AreEqual("mask", e.ParamName);
        StringAssert.Contains(e.Message, "[3, 2]");
        Assert.AreEqual("mask", Assert.ThrowsExactly<ArgumentException>(() => Dropout.Forward(x, new Tensor(2, 3), x, 0.5f, new Random(0), true)).ParamName);
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => Dropout.Forward(x, new Tensor(6), new Tensor(2, 3), 0.5f, new Random(0), true)).ParamName);
        Assert.AreEqual("random", Assert.ThrowsExactly<ArgumentNullException>(() => Dropout.Forward(x, new Tensor(2, 3), new Tensor(2, 3), 0.5f, null!, true)).ParamName);
        Assert.AreEqual("dx", Assert.ThrowsExactly<ArgumentException>(() => Dropout.Backward(x, new Tensor(2, 3), new Tensor(2, 2))).ParamName);
    }
}
