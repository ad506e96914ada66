using MLNet.Cnn.Augment;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class BatchMixingTests
{
    private const int Batch = 8, Side = 6;

    /// <summary>Image i is filled with the value i and has label i (8 classes), so every pixel tells whose it is.</summary>
    private static (Tensor Images, Tensor Labels) Numbered()
    {
        var images = new Tensor(Batch, 2, Side, Side);
        var labels = new Tensor(Batch);
        int size = 2 * Side * Side;
        for (int i = 0; i < Batch; i++)
        {
            images.Span.Slice(i * size, size).Fill(i);
            labels.Span[i] = i;
        }
        return (images, labels);
    }

    private static float[] Row(Tensor soft, int i) => soft.Span.Slice(i * Batch, Batch).ToArray();

    [TestMethod]
    public void MixupBlendsImagesAndTargetsWithTheSameLambda()
    {
        var (images, labels) = Numbered();
        var mixer = new BatchMixer(new Mixup(alpha: 0.4), Batch, Batch, images.Shape);
        mixer.Mix(images, labels, new Random(3));
        int size = 2 * Side * Side;
        for (int i = 0; i < Batch; i++)
        {
            var soft = Row(mixer.SoftTargets, i);
            Assert.AreEqual(1f, soft.Sum(), 1e-6f, "a distribution");
            float own = soft[i];
            int partner = Array.FindIndex(soft, p => p > 0 && p != own) is int p and >= 0 ? p : i;
            // the pixels are λ·i + (1 − λ)·partner with λ = soft[i]
            float expected = partner == i ? i : own * i + (1 - own) * partner;
            Assert.AreEqual(expected, images.Span[i * size + 5], 1e-5f, $"image {i}");
            Assert.AreEqual(own >= 0.5f ? i : partner, (int)mixer.DominantLabels.Span[i], "the dominant label");
        }
    }

    [TestMethod]
    public void CutMixPastesABoxWhoseAreaIsTheTargetShare()
    {
        int mixedImages = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var (images, labels) = Numbered();
            var mixer = new BatchMixer(new CutMix(alpha: 1), Batch, Batch, images.Shape);
            mixer.Mix(images, labels, new Random(seed));
            int size = 2 * Side * Side;
            for (int i = 0; i < Batch; i++)
            {
                var soft = Row(mixer.SoftTargets, i);
                Assert.AreEqual(1f, soft.Sum(), 1e-6f);
                var pixels = images.Span.Slice(i * size, size).ToArray();
                int pasted = pixels.Count(x => x != i);
                if (pasted == 0) continue;
                mixedImages++;
                int partner = (int)pixels.First(x => x != i);
                Assert.IsTrue(pixels.All(x => x == i || x == partner), "only the image and its partner");
                Assert.AreEqual((double)pasted / size, soft[partner], 1e-6, $"seed {seed}, image {i}: the partner's share is the pasted area");
                Assert.AreEqual(1 - (double)pasted / size, soft[i], 1e-6);
            }
        }
        Assert.IsTrue(mixedImages > 50, $"{mixedImages} images got a box");
    }

    [TestMethod]
    public void ProbabilityZeroLeavesTheBatchAndGivesOneHotTargets()
    {
        var (images, labels) = Numbered();
        var original = images.Span.ToArray();
        var mixer = new BatchMixer(new Mixup(probability: 0), Batch, Batch, images.Shape);
        mixer.Mix(images, labels, new Random(1));
        CollectionAssert.AreEqual(original, images.Span.ToArray());
        for (int i = 0; i < Batch; i++)
        {
            Assert.AreEqual(1f, Row(mixer.SoftTargets, i)[i]);
            Assert.AreEqual(i, (int)mixer.DominantLabels.Span[i]);
        }
    }

    [TestMethod]
    public void CutMixBoxesAreClippedToTheImage()
    {
        var random = new Random(2);
        for (int n = 0; n < 500; n++)
        {
            var (x1, y1, x2, y2) = CutMix.Box(5, 7, random.NextDouble(), random);
            Assert.IsTrue(0 <= x1 && x1 <= x2 && x2 <= 7 && 0 <= y1 && y1 <= y2 && y2 <= 5, $"({x1}, {y1}, {x2}, {y2})");
        }
    }

    [TestMethod]
    public void RefusesBadAlphaAndProbability()
    {
        foreach (var (make, name) in new (Action, string)[]
        {
            (() => _ = new Mixup(alpha: 0), "alpha"),
            (() => _ = new CutMix(alpha: -1), "alpha"),
            (() => _ = new Mixup(probability: 1.5), "probability"),
        })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(make);
            Assert.AreEqual(name, e.ParamName);
        }
    }
}
