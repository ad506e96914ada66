using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class ElasticWarpTests
{
    [TestMethod]
    public void ZeroAlphaIsTheIdentityAndATinyAlphaNearlySo()
    {
        var sample = AugmentSamples.Random(1, 3, 10, 12);
        var before = AugmentSamples.Copy(sample);
        new ElasticWarp(alpha: 0, sigma: 3).Apply(sample, new Random(2));
        AugmentSamples.AssertSame(before, sample, "alpha 0");

        // |d| ≤ α = 1e-3 pixel: each pixel changes by at most α·(its largest neighbour difference ≤ 1).
        new ElasticWarp(alpha: 1e-3, sigma: 2).Apply(sample, new Random(3));
        for (int k = 0; k < sample.PixelCount; k++)
            Assert.AreEqual(before.Pixels[k], sample.Pixels[k], 2.1e-3, $"pixel {k}");
        CollectionAssert.AreEqual(before.Mask, sample.Mask, "the mask's nearest pixels do not move");
        for (int k = 0; k < 4; k++) Assert.AreEqual(before.Keypoints![k], sample.Keypoints![k], 1e-3, $"keypoint value {k}");
    }

    [TestMethod]
    public void TheWarpIsSmoothReproducibleAndFresh()
    {
        var warp = new ElasticWarp(alpha: 30, sigma: 4);
        var first = AugmentSamples.Random(1, 1, 24, 24);
        var second = AugmentSamples.Copy(first);
        var third = AugmentSamples.Copy(first);
        warp.Apply(first, new Random(7));
        warp.Apply(second, new Random(7));
        AugmentSamples.AssertSame(first, second, "same seed");
        warp.Apply(third, new Random(8));
        CollectionAssert.AreNotEqual(first.Pixels.ToArray(), third.Pixels.ToArray(), "another draw");
    }

    [TestMethod]
    [DataRow(5, 7, 3.0)]
    [DataRow(28, 28, 4.0)]
    [DataRow(9, 40, 0.7)]
    [DataRow(1, 6, 2.0)]
    public void GaussianSmoothingMatchesItsReference(int height, int width, double sigma)
    {
        var random = new Random(height * 100 + width);
        var field = Enumerable.Range(0, height * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var expected = (float[])field.Clone();
        GaussianSmoothing.ApplyReference(expected, height, width, sigma);
        GaussianSmoothing.Apply(field, height, width, sigma);
        for (int i = 0; i < field.Length; i++) Assert.AreEqual(expected[i], field[i], 1e-5, $"element {i}");
    }

    [TestMethod]
    public void GaussianSmoothingKeepsAConstantFieldAndAveragesNoise()
    {
        var constant = Enumerable.Repeat(0.75f, 5 * 7).ToArray();
        GaussianSmoothing.Apply(constant, 5, 7, sigma: 3);
        foreach (float v in constant) Assert.AreEqual(0.75f, v, 1e-6);

        var random = new Random(1);
        var noise = Enumerable.Range(0, 64 * 64).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        GaussianSmoothing.Apply(noise, 64, 64, sigma: 4);
        // The variance of U(−1, 1) is 1/3; a 2-D Gaussian average divides it by about 4πσ².
        double variance = noise.Average(v => (double)v * v);
        Assert.IsTrue(variance is > 1.0 / 3 / (4 * Math.PI * 16) / 2 and < 1.0 / 3 / (4 * Math.PI * 16) * 2, $"variance {variance}");
    }
}
