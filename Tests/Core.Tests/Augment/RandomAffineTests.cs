using MLNet.Cnn.Augment;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class RandomAffineTests
{
    [TestMethod]
    [DataRow(1, 5, 8)]
    [DataRow(3, 7, 7)]
    public void IdentityParametersReproduceTheImage(int channels, int height, int width)
    {
        var sample = AugmentSamples.Random(1, channels, height, width);
        var before = AugmentSamples.Copy(sample);
        new RandomAffine(0, translate: (0, 0), scale: (1, 1), shear: 0).Apply(sample, new Random(3));
        AugmentSamples.AssertSame(before, sample, "identity affine");
    }

    [TestMethod]
    public void RotationByMinus90DegreesIsATransposeAndAFlip()
    {
        // θ = U(−90, 90) at u = 0 is −90°: p' = c + R(−90°)(p − c) turns the image anticlockwise on screen, so on an
        // N×N image pixel (i, j) goes to (N − 1 − j, i): out[r, c] = in[c, N − 1 − r]. Pixel centres land on pixel
        // centres, so the bilinear taps are exact up to cos 90° ≈ 6e-17.
        const int n = 7;
        var sample = AugmentSamples.Random(2, 3, n, n);
        var before = AugmentSamples.Copy(sample);
        new RandomRotation(90).Apply(sample, new ChosenRandom(0));
        for (int c = 0; c < 3; c++)
            for (int r = 0; r < n; r++)
                for (int col = 0; col < n; col++)
                {
                    Assert.AreEqual(before.Plane(c)[col * n + n - 1 - r], sample.Plane(c)[r * n + col], 1e-6, $"pixel ({c}, {r}, {col})");
                    if (c == 0) Assert.AreEqual(before.Mask![col * n + n - 1 - r], sample.Mask![r * n + col], $"mask ({r}, {col})");
                }
    }

    [TestMethod]
    public void IntegerTranslationShiftsPixelsExactly()
    {
        // translate (0.5, 0.5) on 8×6 with u = 1: t = (round(0.5·6), round(0.5·8)) = (3, 4) (u = 1 is U's upper end).
        var sample = AugmentSamples.Random(4, 2, 8, 6);
        var before = AugmentSamples.Copy(sample);
        new RandomAffine(0, translate: (0.5, 0.5), fill: -1).Apply(sample, new ChosenRandom(0.5, 1, 1, 0.5, 0.5));
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 6; j++)
                {
                    int si = i - 4, sj = j - 3;
                    float expected = si >= 0 && sj >= 0 ? before.Plane(c)[si * 6 + sj] : -1;
                    Assert.AreEqual(expected, sample.Plane(c)[i * 6 + j], 1e-6, $"({c}, {i}, {j})");
                }
        CollectionAssert.AreEqual(before.Keypoints!.Select((v, k) => v + (k % 2 == 0 ? 3f : 4f)).ToArray(), sample.Keypoints);
        // The box [1.5, 4, 4.5, 8] moves to [4.5, 8, 7.5, 12] and is clamped to the 6×8 image.
        CollectionAssert.AreEqual(new[] { 4.5f, 8f, 6f, 8f }, sample.Boxes);
    }

    [TestMethod]
    public void DrawsFollowTorchvisionRangesAndAreReproducible()
    {
        var affine = new RandomAffine(30, translate: (0.1, 0.2), scale: (0.8, 1.2), shear: 10);
        var random = new Random(11);
        for (int draw = 0; draw < 300; draw++)
        {
            var map = affine.DrawMap(random, 20, 30);
            // M = s·R(θ)·Sh(φ): det M = s², and the centre moves by t only.
            double det = map.A * map.E - map.B * map.D;
            Assert.IsTrue(det is >= 0.64 - 1e-12 and <= 1.44 + 1e-12, $"det {det}");
            var (cx, cy) = map.Map(15, 10);
            Assert.IsTrue(Math.Abs(cx - 15) <= 3 && Math.Abs(cy - 10) <= 4, $"centre moved to ({cx}, {cy})");
            Assert.AreEqual(0, (cx - 15) % 1, 1e-9, "translation in whole pixels");
        }
        var first = AugmentSamples.Random(1, 3, 9, 9);
        var second = AugmentSamples.Copy(first);
        affine.Apply(first, new Random(5));
        affine.Apply(second, new Random(5));
        AugmentSamples.AssertSame(first, second, "same seed");
        var third = AugmentSamples.Copy(second);
        affine.Apply(third, new Random(6));
        CollectionAssert.AreNotEqual(first.Pixels.ToArray(), third.Pixels.ToArray(), "another draw");
    }

    [TestMethod]
    public void TheInverseMapUndoesTheForwardMap()
    {
        var map = new RandomAffine(45, (0.3, 0.3), (0.5, 2), 20).DrawMap(new Random(3), 11, 13);
        var inverse = map.Inverse();
        foreach (var (x, y) in new[] { (0.0, 0.0), (13.0, 11.0), (2.5, 7.25) })
        {
            var (u, v) = map.Map(x, y);
            var (bx, by) = inverse.Map(u, v);
            Approx.AssertClose([x, y], [bx, by], 1e-12, "inverse ∘ forward");
        }
    }
}
