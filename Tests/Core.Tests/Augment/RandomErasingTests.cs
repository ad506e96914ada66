using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class RandomErasingTests
{
    [TestMethod]
    public void ErasesOneRectangleWithinTheAreaBoundsInEveryChannel()
    {
        const int height = 30, width = 40;
        var erasing = new RandomErasing(probability: 1, scale: (0.05, 0.2), ratio: (0.5, 2), value: -7);
        var random = new Random(3);
        int erasedSamples = 0;
        for (int draw = 0; draw < 300; draw++)
        {
            var sample = AugmentSamples.Random(draw, 3, height, width);
            var before = AugmentSamples.Copy(sample);
            erasing.Apply(sample, random);
            var erased = Enumerable.Range(0, height * width).Where(k => sample.Plane(0)[k] == -7).ToArray();
            if (erased.Length == 0) continue;
            erasedSamples++;
            int top = erased.Min(k => k / width), bottom = erased.Max(k => k / width);
            int left = erased.Min(k => k % width), right = erased.Max(k => k % width);
            int h = bottom - top + 1, w = right - left + 1;
            Assert.AreEqual(h * w, erased.Length, "a full rectangle");
            Assert.IsTrue(h < height && w < width, $"{h}×{w} smaller than the image");
            // h = round(√(a·r)), w = round(√(a/r)): each within ½ of the exact side.
            Assert.IsTrue((h + 0.5) * (w + 0.5) >= 0.05 * height * width && (h - 0.5) * (w - 0.5) <= 0.2 * height * width, $"area {h}×{w}");
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < height * width; k++)
                {
                    bool inside = k / width >= top && k / width <= bottom && k % width >= left && k % width <= right;
                    Assert.AreEqual(inside ? -7f : before.Plane(c)[k], sample.Plane(c)[k], $"channel {c}, pixel {k}");
                }
            CollectionAssert.AreEqual(before.Mask, sample.Mask, "targets unchanged");
            CollectionAssert.AreEqual(before.Boxes, sample.Boxes);
            CollectionAssert.AreEqual(before.Keypoints, sample.Keypoints);
        }
        Assert.IsTrue(erasedSamples > 290, $"{erasedSamples} of 300 erased at p = 1");
    }

    [TestMethod]
    public void ProbabilityZeroAndImpossibleRectanglesLeaveTheImage()
    {
        var sample = AugmentSamples.Random(1, 1, 8, 8);
        var before = AugmentSamples.Copy(sample);
        new RandomErasing(probability: 0).Apply(sample, new Random(1));
        // The whole area never fits (h < H is required), so ten attempts fail and nothing is erased.
        new RandomErasing(probability: 1, scale: (1, 1), ratio: (1, 1)).Apply(sample, new Random(1));
        AugmentSamples.AssertSame(before, sample, "unchanged");
    }

    [TestMethod]
    public void DrawsAreReproducibleAndFresh()
    {
        var erasing = new RandomErasing(1);
        var random = new Random(4);
        var first = erasing.DrawRectangle(new Random(4), 32, 32);
        Assert.AreEqual(first, erasing.DrawRectangle(random, 32, 32));
        Assert.AreNotEqual(first, erasing.DrawRectangle(random, 32, 32));
    }
}
