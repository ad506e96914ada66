using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

/// <summary>
/// One bright pixel with its keypoint at its centre, its box and mask class 1, through every geometric op: the
/// keypoint must land on the bright pixel's new centre (the intensity centroid), the box must hold it, and, for the
/// ops that move pixels without blending, the mask's class 1 must sit under it.
/// </summary>
[TestClass]
public sealed class TargetsFollowPixelsTests
{
    private static (IAugmentation Op, Random Random, double Tolerance, bool MaskExact) Case(string name) => name switch
    {
        "horizontal flip" => (new HorizontalFlip(1), new Random(1), 1e-6, true),
        "vertical flip" => (new VerticalFlip(1), new Random(1), 1e-6, true),
        // The crops hold pixel (6, 7) at any offset (no mirror image of it lies in a 3-pixel reflect padding).
        "crop with zero padding" => (new RandomCrop(12, 11, padding: 2), new Random(2), 1e-6, true),
        "crop with reflect padding" => (new RandomCrop(13, 14, padding: 3, PaddingMode.Reflect), new Random(3), 1e-6, true),
        // A crop of half the area (11×11 at ratio 1) holds pixel (6, 7) at any offset; resized ×2 to 22×22.
        "resized crop" => (new RandomResizedCrop(22, 22, scale: (0.5, 0.5), ratio: (1, 1)), new Random(4), 1e-4, false),
        "rotation by 90°" => (new RandomRotation(90), new ChosenRandom(1), 1e-6, true),
        "affine" => (new RandomAffine(25, (0.1, 0.1), (0.9, 1.3), 8), new Random(5), 0.35, false),
        "elastic, tiny alpha" => (new ElasticWarp(alpha: 1e-3, sigma: 2), new Random(6), 2e-3, true),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
    };

    [TestMethod]
    [DataRow("horizontal flip")]
    [DataRow("vertical flip")]
    [DataRow("crop with zero padding")]
    [DataRow("crop with reflect padding")]
    [DataRow("resized crop")]
    [DataRow("rotation by 90°")]
    [DataRow("affine")]
    [DataRow("elastic, tiny alpha")]
    public void KeypointBoxAndMaskFollowTheBrightPixel(string name)
    {
        var (op, random, tolerance, maskExact) = Case(name);
        foreach (int channels in new[] { 1, 3 })
        {
            var sample = AugmentSamples.BrightPixel(channels, 16, 16, row: 6, column: 7);
            op.Apply(sample, random);
            var (x, y) = AugmentSamples.Centroid(sample);
            float kx = sample.Keypoints![0], ky = sample.Keypoints[1];
            Assert.AreEqual(x, kx, tolerance, $"{name}: keypoint x");
            Assert.AreEqual(y, ky, tolerance, $"{name}: keypoint y");
            var box = sample.Boxes!;
            Assert.IsTrue(box[0] <= kx && kx <= box[2] && box[1] <= ky && ky <= box[3], $"{name}: box {string.Join(", ", box)} holds the keypoint");
            int row = (int)Math.Floor(ky), column = (int)Math.Floor(kx);
            Assert.AreEqual(1, sample.Mask![row * sample.Width + column], $"{name}: mask under the keypoint");
            if (maskExact)
            {
                Assert.AreEqual(1, sample.Mask.Sum(), $"{name}: one mask pixel");
                for (int c = 0; c < channels; c++)
                    Assert.AreEqual(1f, sample.Plane(c)[row * sample.Width + column], 2e-3, $"{name}: channel {c} bright under the keypoint");
            }
        }
    }
}
