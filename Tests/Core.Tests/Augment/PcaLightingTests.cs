using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class PcaLightingTests
{
    /// <summary>
    /// 3×2×2 images whose pixels are (0.1 + 0.2u, 0.3 + 0.4u, 0.9 − 0.2u), u ∈ {0, 1} equally often: the color
    /// covariance is Var(u)·w wᵀ = 0.25·w wᵀ with w = (0.2, 0.4, −0.2), of rank one, eigenvalue 0.25·|w|² = 0.06 and
    /// eigenvector (1, 2, −1)/√6.
    /// </summary>
    private static float[][] RankOneImages()
    {
        float[] Image(params int[] u) =>
            [.. u.Select(x => 0.1f + 0.2f * x), .. u.Select(x => 0.3f + 0.4f * x), .. u.Select(x => 0.9f - 0.2f * x)];
        return [Image(0, 1, 1, 0), Image(1, 0, 0, 1), Image(0, 0, 1, 1)];
    }

    [TestMethod]
    public void ShiftAddsTheWeightedEigenvectorsToEveryPixel()
    {
        var lighting = PcaLighting.ImageNet();
        var sample = new AugmentationSample(new float[12], 3, 2, 2);
        lighting.Shift(sample, [1, 0, -2]);
        // channel c: V[c,0]·1·0.2175 + V[c,2]·(−2)·0.0045
        double[] shift = [-0.5675 * 0.2175 - 2 * 0.4009 * 0.0045, -0.5808 * 0.2175 + 2 * 0.8140 * 0.0045, -0.5836 * 0.2175 - 2 * 0.4203 * 0.0045];
        Support.Approx.AssertClose(shift.SelectMany(s => Enumerable.Repeat(s, 4)).ToArray(), sample.Pixels, 1e-6, "pixels");
    }

    [TestMethod]
    public void OneChannelLightingShiftsByAlphaTimesLambda()
    {
        var lighting = new PcaLighting([0.04], new double[,] { { 1 } });
        var sample = new AugmentationSample([0.5f, 0.25f], 1, 1, 2);
        lighting.Shift(sample, [0.5]);
        Support.Approx.AssertClose([0.52, 0.27], sample.Pixels, 1e-6, "pixels");
    }

    [TestMethod]
    public void FromImagesFindsTheKnownPrincipalComponent()
    {
        var lighting = PcaLighting.FromImages(RankOneImages().Select(i => (ReadOnlyMemory<float>)i), channels: 3);
        Support.Approx.AssertClose([0.06, 0, 0], lighting.Eigenvalues.ToArray(), 1e-7, "eigenvalues");
        var v = lighting.Eigenvectors;
        double sign = Math.Sign(v[0, 0]), norm = Math.Sqrt(6);
        Support.Approx.AssertClose([1 / norm, 2 / norm, -1 / norm], new[] { sign * v[0, 0], sign * v[1, 0], sign * v[2, 0] }, 1e-6, "first eigenvector");
    }

    [TestMethod]
    public void FromImagesMatchesATwoPassCovarianceOnRandomImages()
    {
        var random = new Random(4);
        // images of different sizes, channels correlated through a shared term, far from zero mean
        var images = Enumerable.Range(0, 5).Select(i =>
        {
            int plane = 3 + i;
            var pixels = new float[3 * plane];
            for (int j = 0; j < plane; j++)
            {
                double shared = random.NextDouble();
                for (int c = 0; c < 3; c++) pixels[c * plane + j] = (float)(100 + (c + 1) * shared + random.NextDouble() * 0.3);
            }
            return pixels;
        }).ToArray();

        var observations = images.SelectMany(p => Enumerable.Range(0, p.Length / 3).Select(j => new double[] { p[j], p[p.Length / 3 + j], p[2 * p.Length / 3 + j] })).ToArray();
        var mean = Enumerable.Range(0, 3).Select(c => observations.Average(o => o[c])).ToArray();
        var expected = new double[3, 3];
        for (int c = 0; c < 3; c++)
            for (int d = 0; d < 3; d++) expected[c, d] = observations.Average(o => (o[c] - mean[c]) * (o[d] - mean[d]));

        var covariance = PixelCovariance.Of(images.Select(i => (ReadOnlyMemory<float>)i), 3);
        for (int c = 0; c < 3; c++)
            for (int d = 0; d < 3; d++) Assert.AreEqual(expected[c, d], covariance[c, d], 1e-9, $"covariance[{c}, {d}]");
    }

    [TestMethod]
    public void FromADatasetAndWithASamplingLimit()
    {
        var images = RankOneImages();
        var data = new ImageDataset(images.SelectMany(i => i).ToArray(), [0, 1, 0], 3, 2, 2, ["a", "b"]);
        Support.Approx.AssertClose([0.06, 0, 0], PcaLighting.FromImages(data).Eigenvalues.ToArray(), 1e-7, "whole dataset");

        // one gray image of values 0, 1 (variance 0.25) followed by a constant one: the limit keeps the first only
        float[][] gray = [[0, 1, 0, 1], [0.5f, 0.5f, 0.5f, 0.5f]];
        var first = PcaLighting.FromImages(gray.Select(i => (ReadOnlyMemory<float>)i), channels: 1, maxImages: 1);
        Assert.AreEqual(0.25, first.Eigenvalues[0], 1e-12);
        Assert.AreEqual(0.125, PcaLighting.FromImages(gray.Select(i => (ReadOnlyMemory<float>)i), channels: 1).Eigenvalues[0], 1e-12);
    }

    [TestMethod]
    public void DrawsAreSeededAndCentered()
    {
        var lighting = new PcaLighting([1.0], new double[,] { { 1 } }, alphaStd: 0.1);
        float Shift(int seed)
        {
            var sample = new AugmentationSample([0f], 1, 1, 1);
            lighting.Apply(sample, new Random(seed));
            return sample.Pixels[0];
        }
        Assert.AreEqual(Shift(3), Shift(3));
        var shifts = Enumerable.Range(0, 4000).Select(Shift).ToArray();
        double mean = shifts.Average(), std = Math.Sqrt(shifts.Average(s => (s - mean) * (s - mean)));
        Assert.AreEqual(0, mean, 0.01, "α ~ N(0, σ)");
        Assert.AreEqual(0.1, std, 0.01, "σ = alphaStd");
    }

    [TestMethod]
    public void RefusesBadArguments()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PcaLighting.ImageNet(alphaStd: -0.5));
        Assert.AreEqual("alphaStd", e.ParamName);
        StringAssert.Contains(e.Message, "-0.5");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PcaLighting([-1.0], new double[,] { { 1 } }));
        Assert.AreEqual("eigenvalues", e.ParamName);
        Support.ArgumentAssert.Throws(() => _ = new PcaLighting([1.0, 2.0], new double[,] { { 1 } }), "eigenvectors", "1×1", "2×2");
        Support.ArgumentAssert.Throws(() => PcaLighting.ImageNet().Apply(new AugmentationSample(new float[4], 1, 2, 2), new Random(1)),
            "sample", "3-channel", "1 channels");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PcaLighting.FromImages(RankOneImages().Select(i => (ReadOnlyMemory<float>)i), 3, maxImages: 0));
    }
}
