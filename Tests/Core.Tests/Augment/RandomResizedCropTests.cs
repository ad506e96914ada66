using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class RandomResizedCropTests
{
    [TestMethod]
    public void TheFullImageAtTheSameSizeIsTheIdentity()
    {
        // scale (1, 1) and the image's own aspect ratio leave one crop: the whole image.
        var sample = AugmentSamples.Random(1, 3, 6, 9);
        var before = AugmentSamples.Copy(sample);
        new RandomResizedCrop(6, 9, scale: (1, 1), ratio: (1.5, 1.5)).Apply(sample, new Random(2));
        AugmentSamples.AssertSame(before, sample, "identity");
    }

    [TestMethod]
    public void UpsamplingMatchesPyTorchBilinear()
    {
        // F.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode='bilinear', align_corners=False)
        //   = [0, 0.25, 0.75, 1]; nearest-exact for the mask: [0, 0, 1, 1].
        var sample = new AugmentationSample([0f, 1f], 1, 1, 2) { Mask = [5, 7], Keypoints = [1, 0.5f] };
        new RandomResizedCrop(1, 4, scale: (1, 1), ratio: (2, 2)).Apply(sample, new Random(1));
        CollectionAssert.AreEqual(new[] { 0f, 0.25f, 0.75f, 1f }, sample.Pixels.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 5, 7, 7 }, sample.Mask);
        CollectionAssert.AreEqual(new[] { 2f, 0.5f }, sample.Keypoints, "x scaled by 4 / 2");
    }

    [TestMethod]
    public void CropsStayInsideTheImageWithTheirAreaAndRatio()
    {
        var crop = new RandomResizedCrop(8, 8, scale: (0.2, 0.6), ratio: (0.5, 2));
        var random = new Random(5);
        const int height = 40, width = 50;
        for (int draw = 0; draw < 500; draw++)
        {
            var (top, left, h, w) = crop.DrawCrop(random, height, width);
            Assert.IsTrue(top >= 0 && left >= 0 && top + h <= height && left + w <= width, $"{(top, left, h, w)} inside");
            // w = round(√(a·r)), h = round(√(a/r)): each within ½ of the exact side.
            double area = (w + 0.5) * (h + 0.5), smallest = (w - 0.5) * (h - 0.5);
            Assert.IsTrue(area >= 0.2 * height * width && smallest <= 0.6 * height * width, $"area of {h}×{w}");
            Assert.IsTrue((w + 0.5) / (h - 0.5) >= 0.5 && (w - 0.5) / (h + 0.5) <= 2, $"ratio of {h}×{w}");
        }
    }

    [TestMethod]
    public void TenFailedAttemptsFallBackToTheCentreCropOfTheClosestRatio()
    {
        // Aspect 10 never fits a 20×20 image at full area; the fallback keeps the width and takes h = round(20 / 10).
        var crop = new RandomResizedCrop(4, 4, scale: (1, 1), ratio: (10, 10));
        Assert.AreEqual(new Resampler.Window(9, 0, 2, 20), crop.DrawCrop(new Random(1), 20, 20));
    }

    [TestMethod]
    public void DrawsAreReproducibleUnderASeedAndDifferAcrossDraws()
    {
        var crop = new RandomResizedCrop(5, 5);
        var first = AugmentSamples.Random(1, 3, 12, 12);
        var second = AugmentSamples.Copy(first);
        var third = AugmentSamples.Copy(first);
        crop.Apply(first, new Random(9));
        crop.Apply(second, new Random(9));
        AugmentSamples.AssertSame(first, second, "same seed");
        var random = new Random(9);
        random.NextDouble();
        crop.Apply(third, random);
        CollectionAssert.AreNotEqual(first.Pixels.ToArray(), third.Pixels.ToArray(), "another draw");
    }
}
