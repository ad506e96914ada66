using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class FlipTests
{
    [TestMethod]
    [DataRow(1, 5, 7)]
    [DataRow(3, 4, 1)]
    public void HorizontalFlipMirrorsColumnsExactly(int channels, int height, int width)
    {
        var sample = AugmentSamples.Random(1, channels, height, width);
        var before = AugmentSamples.Copy(sample);
        new HorizontalFlip(probability: 1).Apply(sample, new Random(2));
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < height; i++)
                for (int j = 0; j < width; j++)
                    Assert.AreEqual(before.Plane(c)[i * width + width - 1 - j], sample.Plane(c)[i * width + j]);
        for (int k = 0; k < height * width; k++)
            Assert.AreEqual(before.Mask![k / width * width + width - 1 - k % width], sample.Mask![k]);
        var b = before.Boxes!;
        CollectionAssert.AreEqual(new[] { width - b[2], b[1], width - b[0], b[3] }, sample.Boxes);
        var p = before.Keypoints!;
        CollectionAssert.AreEqual(new[] { width - p[0], p[1], width - p[2], p[3] }, sample.Keypoints);
    }

    [TestMethod]
    [DataRow(1, 5, 7)]
    [DataRow(3, 1, 4)]
    public void VerticalFlipMirrorsRowsExactly(int channels, int height, int width)
    {
        var sample = AugmentSamples.Random(3, channels, height, width);
        var before = AugmentSamples.Copy(sample);
        new VerticalFlip(probability: 1).Apply(sample, new Random(4));
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < height; i++)
                for (int j = 0; j < width; j++)
                    Assert.AreEqual(before.Plane(c)[(height - 1 - i) * width + j], sample.Plane(c)[i * width + j]);
        for (int k = 0; k < height * width; k++)
            Assert.AreEqual(before.Mask![(height - 1 - k / width) * width + k % width], sample.Mask![k]);
        var b = before.Boxes!;
        CollectionAssert.AreEqual(new[] { b[0], height - b[3], b[2], height - b[1] }, sample.Boxes);
        var p = before.Keypoints!;
        CollectionAssert.AreEqual(new[] { p[0], height - p[1], p[2], height - p[3] }, sample.Keypoints);
    }

    [TestMethod]
    public void FlipsAreInvolutions()
    {
        foreach (IAugmentation flip in new IAugmentation[] { new HorizontalFlip(1), new VerticalFlip(1) })
        {
            var sample = AugmentSamples.Random(5, 3, 6, 9);
            var before = AugmentSamples.Copy(sample);
            flip.Apply(sample, new Random(1));
            flip.Apply(sample, new Random(1));
            AugmentSamples.AssertSame(before, sample, flip.GetType().Name);
        }
    }

    [TestMethod]
    public void FlipsFireWithTheirProbability()
    {
        foreach (var (flip, name) in new (IAugmentation, string)[] { (new HorizontalFlip(), "horizontal"), (new VerticalFlip(0.5), "vertical") })
        {
            var random = new Random(7);
            int flipped = 0;
            for (int draw = 0; draw < 1000; draw++)
            {
                var sample = AugmentSamples.BrightPixel(1, 2, 2, 0, 0);
                flip.Apply(sample, random);
                if (sample.Pixels[0] == 0) flipped++;
            }
            Assert.IsTrue(flipped is > 440 and < 560, $"{name}: {flipped} of 1000 flipped at p = 0.5");
        }
        var unchanged = AugmentSamples.Random(8, 1, 3, 3);
        var before = AugmentSamples.Copy(unchanged);
        new HorizontalFlip(0).Apply(unchanged, new Random(1));
        new VerticalFlip(0).Apply(unchanged, new Random(1));
        AugmentSamples.AssertSame(before, unchanged, "p = 0");
    }
}
