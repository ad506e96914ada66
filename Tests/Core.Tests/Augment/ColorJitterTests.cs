using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class ColorJitterTests
{
    private static AugmentationSample Gray(params float[] pixels) => new(pixels, 1, 1, pixels.Length);

    /// <summary>One RGB pixel per (r, g, b) triple, as a 3×1×n image.</summary>
    private static AugmentationSample Rgb(params (float R, float G, float B)[] pixels)
    {
        int n = pixels.Length;
        var planar = new float[3 * n];
        for (int i = 0; i < n; i++) (planar[i], planar[n + i], planar[2 * n + i]) = pixels[i];
        return new AugmentationSample(planar, 3, 1, n);
    }

    private static AugmentationSample RandomRgb(int size, int seed)
    {
        var random = new Random(seed);
        return new AugmentationSample(Enumerable.Range(0, 3 * size * size).Select(_ => (float)random.NextDouble()).ToArray(), 3, size, size);
    }

    private static void AssertPixels(float[] expected, AugmentationSample sample, double tolerance = 1e-6) =>
        Support.Approx.AssertClose(expected, sample.Pixels, tolerance, "pixels");

    [TestMethod]
    public void BrightnessScalesAndClampsToOne()
    {
        var sample = Gray(0.1f, 0.5f, 0.9f);
        ColorAdjust.Brightness(sample, 1.2);
        AssertPixels([0.12f, 0.6f, 1f], sample);
    }

    [TestMethod]
    public void ContrastBlendsWithTheMeanOfTheGrayscaleImage()
    {
        var gray = Gray(0f, 0.2f, 0.4f, 0.6f); // mean 0.3: x ← 0.5·x + 0.5·0.3
        ColorAdjust.Contrast(gray, 0.5);
        AssertPixels([0.15f, 0.25f, 0.35f, 0.45f], gray);

        // luma of (1, 0, 0) is 0.2989 and of (0, 0, 1) 0.114: mean m = 0.20645, and factor 0 gives m everywhere
        var rgb = Rgb((1, 0, 0), (0, 0, 1));
        ColorAdjust.Contrast(rgb, 0);
        AssertPixels(Enumerable.Repeat(0.20645f, 6).ToArray(), rgb);
    }

    [TestMethod]
    public void SaturationZeroGivesTheGrayscaleImageAndTwoPushesAwayFromIt()
    {
        var sample = Rgb((0.8f, 0.4f, 0.2f));
        float luma = 0.2989f * 0.8f + 0.587f * 0.4f + 0.114f * 0.2f; // 0.49712
        ColorAdjust.Saturation(sample, 0);
        AssertPixels([luma, luma, luma], sample);

        var vivid = Rgb((0.6f, 0.4f, 0.2f)); // luma 0.43694: 2x − luma
        ColorAdjust.Saturation(vivid, 2);
        AssertPixels([0.76306f, 0.36306f, 0f], vivid); // the blue channel −0.03694 is clamped to 0
    }

    [TestMethod]
    public void HueRotatesPureRedToGreenBlueAndYellow()
    {
        foreach (var (shift, expected) in new[] { (1 / 3.0, new[] { 0f, 1, 0 }), (-1 / 3.0, new[] { 0f, 0, 1 }), (1 / 6.0, new[] { 1f, 1, 0 }) })
        {
            var red = Rgb((1, 0, 0));
            ColorAdjust.Hue(red, shift);
            AssertPixels(expected, red, 1e-6);
        }
    }

    [TestMethod]
    public void TwoHalfTurnsOfHueGiveTheImageBack()
    {
        var sample = RandomRgb(5, 1);
        var original = sample.Pixels.ToArray();
        ColorAdjust.Hue(sample, 0.5);
        Assert.IsFalse(sample.Pixels.SequenceEqual(original), "half a turn changes the colors");
        ColorAdjust.Hue(sample, 0.5);
        AssertPixels(original, sample, 1e-5);
    }

    [TestMethod]
    public void SaturationAndHueLeaveAGrayImageAlone()
    {
        var sample = Gray(0.1f, 0.7f);
        ColorAdjust.Saturation(sample, 0);
        ColorAdjust.Hue(sample, 0.3);
        AssertPixels([0.1f, 0.7f], sample);
    }

    [TestMethod]
    public void FactorsAreDrawnFromTheirRanges()
    {
        // On a constant 0.5 image, brightness b gives 0.5·f with f uniform in [1 − b, 1 + b] = [0.5, 1.5].
        var values = Enumerable.Range(0, 400).Select(seed =>
        {
            var sample = Gray(0.5f, 0.5f);
            new ColorJitter(brightness: 0.5).Apply(sample, new Random(seed));
            return sample.Pixels[0];
        }).ToArray();
        Assert.IsTrue(values.All(v => v is >= 0.25f and <= 0.75f), $"range [{values.Min()}, {values.Max()}]");
        Assert.IsTrue(values.Min() < 0.27f && values.Max() > 0.73f, $"the draws span the range: [{values.Min()}, {values.Max()}]");

        // Hue 0.1 moves pure red's hue by at most 0.1 turn: green ≤ 0.6 when the hue grows, blue ≤ 0.6 when it shrinks.
        for (int seed = 0; seed < 100; seed++)
        {
            var red = Rgb((1, 0, 0));
            new ColorJitter(hue: 0.1).Apply(red, new Random(seed));
            Assert.AreEqual(1f, red.Pixels[0], 1e-6, "red stays the largest channel");
            Assert.IsTrue(Math.Max(red.Pixels[1], red.Pixels[2]) <= 0.6f + 1e-5f, $"seed {seed}: {string.Join(", ", red.Pixels.ToArray())}");
        }
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameImage()
    {
        var jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
        float[] Run(int seed)
        {
            var sample = RandomRgb(4, 3);
            jitter.Apply(sample, new Random(seed));
            return sample.Pixels.ToArray();
        }
        CollectionAssert.AreEqual(Run(7), Run(7));
        CollectionAssert.AreNotEqual(Run(7), Run(8));
    }

    [TestMethod]
    public void ZeroMagnitudesChangeNothing()
    {
        var sample = RandomRgb(3, 2);
        var original = sample.Pixels.ToArray();
        new ColorJitter().Apply(sample, new Random(1));
        CollectionAssert.AreEqual(original, sample.Pixels.ToArray());
    }

    [TestMethod]
    public void RefusesNegativeMagnitudesAndHueAboveAHalfTurn()
    {
        foreach (var (make, name, value) in new (Action, string, string)[]
        {
            (() => _ = new ColorJitter(brightness: -0.1), "brightness", "-0.1"),
            (() => _ = new ColorJitter(contrast: double.NaN), "contrast", "NaN"),
            (() => _ = new ColorJitter(saturation: -2), "saturation", "-2"),
            (() => _ = new ColorJitter(hue: 0.6), "hue", "0.6"),
        })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(make);
            Assert.AreEqual(name, e.ParamName);
            StringAssert.Contains(e.Message, value);
        }
    }

    [TestMethod]
    public void ContrastOnATwoChannelImageIsRefused()
    {
        var sample = new AugmentationSample(new float[8], 2, 2, 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ColorJitter(contrast: 0.3).Apply(sample, new Random(1)));
        StringAssert.Contains(e.Message, "2 channels");
        new ColorJitter(brightness: 0.3).Apply(sample, new Random(1)); // brightness has a meaning for any channel count
    }
}
