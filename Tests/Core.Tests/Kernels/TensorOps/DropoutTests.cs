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
                    var check = new KernelCheck("Dropout", $"{new TensorShape(shape)} p={p} training={training}", seed);
                    var (x, dy) = (check.Random("x", shape), check.Random("dy", shape));
                    var (y, mask, dx) = (check.Output("y", shape), check.Output("mask", shape), check.Output("dx", shape));
                    check.FastMatchesReference(() => Dropout.Forward(x.F, y.F, mask.F, p, new Random(seed), training),
                        () => DropoutReference.Forward<double>(x.D, y.D, mask.D, p, new Random(seed), training), (mask, 1e-6), (y, 1e-6));
                    // Each side's backward applies its own forward's mask.
                    check.FastMatchesReference(() => Dropout.Backward(dy.F, mask.F, dx.F),
                        () => DropoutReference.Backward<double>(dy.D, mask.D, dx.D), (dx, 1e-6));
                }
    }

    [TestMethod]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        // Reseeding in every forward call keeps the mask fixed while x moves.
        var check = new KernelCheck("Dropout reference", "[80] p=0.3", seed: 3);
        check.ReferenceMatchesFiniteDifferences(80, [check.Random("x", 80)],
            (v, y) => DropoutReference.Forward<double>(v[0], y, new double[y.Length], 0.3f, new Random(42), training: true),
            (v, dy, d) =>
            {
                var mask = new double[dy.Length];
                DropoutReference.Forward<double>(v[0], new double[dy.Length], mask, 0.3f, new Random(42), training: true);
                DropoutReference.Backward<double>(dy, mask, d[0]);
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
