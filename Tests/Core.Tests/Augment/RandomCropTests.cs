using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class RandomCropTests
{
    [TestMethod]
    public void OffsetsCoverThePaddedRangeAndPixelsMatchTheOffset()
    {
        // 2×5×6 image, padding 2 → 9×10; a 4×4 crop starts at top ∈ [0, 5], left ∈ [0, 6].
        const int channels = 2, height = 5, width = 6, padding = 2, crop = 4;
        var crop4 = new RandomCrop(crop, crop, padding);
        var random = new Random(3);
        var seen = new HashSet<(int, int)>();
        for (int draw = 0; draw < 600; draw++)
        {
            var sample = AugmentSamples.Random(draw, channels, height, width);
            var before = AugmentSamples.Copy(sample);
            sample.Keypoints = [0, 0];
            crop4.Apply(sample, random);
            // The origin of the image moves to (p − left, p − top).
            int left = padding - (int)sample.Keypoints[0], top = padding - (int)sample.Keypoints[1];
            seen.Add((top, left));
            Assert.AreEqual((crop, crop), (sample.Height, sample.Width));
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < crop; i++)
                    for (int j = 0; j < crop; j++)
                    {
                        int h = top + i - padding, w = left + j - padding;
                        bool inside = h >= 0 && h < height && w >= 0 && w < width;
                        Assert.AreEqual(inside ? before.Plane(c)[h * width + w] : 0f, sample.Plane(c)[i * crop + j]);
                        if (c == 0) Assert.AreEqual(inside ? before.Mask![h * width + w] : 0, sample.Mask![i * crop + j]);
                    }
        }
        Assert.AreEqual(6 * 7, seen.Count, "every offset of the padded image is drawn");
        Assert.IsTrue(seen.All(o => o.Item1 is >= 0 and <= 5 && o.Item2 is >= 0 and <= 6));
    }

    [TestMethod]
    public void ReflectPaddingMirrorsWithoutRepeatingTheEdge()
    {
        // A crop the size of the padded image has one offset: the whole padded image. Padding 2 of an axis of 4
        // reads source indices 2 1 | 0 1 2 3 | 2 1, of an axis of 3: 2 1 | 0 1 2 | 1 0 (torch.nn.functional.pad, reflect).
        var sample = AugmentSamples.Random(1, 1, 3, 4);
        var before = AugmentSamples.Copy(sample);
        new RandomCrop(7, 8, padding: 2, PaddingMode.Reflect).Apply(sample, new Random(1));
        int[] rows = [2, 1, 0, 1, 2, 1, 0], columns = [2, 1, 0, 1, 2, 3, 2, 1];
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 8; j++)
            {
                Assert.AreEqual(before.Pixels[rows[i] * 4 + columns[j]], sample.Pixels[i * 8 + j], $"({i}, {j})");
                Assert.AreEqual(before.Mask![rows[i] * 4 + columns[j]], sample.Mask![i * 8 + j], $"mask ({i}, {j})");
            }
        CollectionAssert.AreEqual(new[] { 2.5f, 2.5f, 5f, 0.75f + 2f }, sample.Keypoints, "keypoints shift by the padding");
    }

    [TestMethod]
    public void BoxesAreClampedToTheCropAndKeypointsLeftWhereTheyLand()
    {
        var sample = AugmentSamples.Random(2, 1, 8, 8);
        sample.Boxes = [1, 1, 7, 7, 0, 0, 1, 1];
        sample.Keypoints = [0.5f, 0.5f];
        // Offsets drawn with Next(8 − 4 + 1): a Random returning 0.99… draws 4 (the last offset) for both.
        new RandomCrop(4, 4).Apply(sample, new ChosenRandom(0.999));
        CollectionAssert.AreEqual(new float[] { 0, 0, 3, 3, 0, 0, 0, 0 }, sample.Boxes, "clamped; the second box is degenerate");
        CollectionAssert.AreEqual(new[] { -3.5f, -3.5f }, sample.Keypoints);
    }

    [TestMethod]
    public void ACropLargerThanThePaddedImageIsRefusedAtApply()
    {
        var crop = new RandomCrop(10, 8, padding: 1);
        OutOfRangeAssert.Throws(() => crop.Apply(AugmentSamples.Random(1, 3, 6, 6), new Random(1)), "sample", "10×8", "6×6", "8×8");
        crop.Apply(AugmentSamples.Random(1, 3, 8, 6), new Random(1)); // padded to 10×8: fits exactly
    }
}
