using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Data;

[TestClass]
public sealed class ImageDatasetTests
{
    /// <summary>Image i of 1×1×2 has pixels (i, −i) and targets (10·i, 20·i, 30·i): any mix-up between images shows.</summary>
    private static ImageDataset Numbered(int count)
    {
        var pixels = new float[count * 2];
        var targets = new float[count * 3];
        for (int i = 0; i < count; i++)
        {
            (pixels[2 * i], pixels[2 * i + 1]) = (i, -i);
            for (int t = 0; t < 3; t++) targets[3 * i + t] = 10 * (t + 1) * i;
        }
        return ImageDataset.ForRegression(pixels, targets, 3, 1, 1, 2);
    }

    private static void AssertImagesKeepTheirTargets(ImageDataset data)
    {
        for (int i = 0; i < data.Count; i++)
        {
            float number = data.Pixels(i)[0];
            CollectionAssert.AreEqual(new[] { 10 * number, 20 * number, 30 * number }, data.Targets(i).ToArray(), $"image {i}");
        }
    }

    [TestMethod]
    public void ARegressionDatasetDescribesItself()
    {
        var data = Numbered(5);
        Assert.IsTrue(data.IsRegression);
        Assert.AreEqual((5, 3, 0), (data.Count, data.TargetCount, data.ClassCount));
        Assert.AreEqual(0, data.ClassNames.Count);
        Assert.AreEqual(new TensorShape(4, 3), data.TargetShape(4));
        Assert.ThrowsExactly<InvalidOperationException>(() => data.Labels.Length);

        var classes = new ImageDataset(new float[4], [1, 0], 1, 1, 2, ["a", "b"]);
        Assert.IsFalse(classes.IsRegression);
        Assert.AreEqual((0, 2), (classes.TargetCount, classes.ClassCount));
        Assert.AreEqual(new TensorShape(4), classes.TargetShape(4));
        Assert.ThrowsExactly<InvalidOperationException>(() => classes.Targets(0).Length);
    }

    [TestMethod]
    public void GatherWritesTargetsPerImage()
    {
        var data = Numbered(5);
        var images = new Tensor(2, 1, 1, 2);
        var targets = new Tensor(2, 3);
        data.Gather([4, 1], images, targets);
        CollectionAssert.AreEqual(new float[] { 4, -4, 1, -1 }, images.ToArray());
        CollectionAssert.AreEqual(new float[] { 40, 80, 120, 10, 20, 30 }, targets.ToArray());
        ArgumentAssert.Throws(() => data.Gather([4, 1], images, new Tensor(2)), "targets", "[2]", "expected [2, 3]");
    }

    [TestMethod]
    public void SubsetAndSplitKeepEveryImageWithItsTargets()
    {
        var data = Numbered(20);
        var subset = data.Subset([7, 3, 19]);
        Assert.AreEqual((3, 3), (subset.Count, subset.TargetCount));
        CollectionAssert.AreEqual(new float[] { 70, 140, 210 }, subset.Targets(0).ToArray());
        AssertImagesKeepTheirTargets(subset);

        var (train, validation) = data.Split(0.25, seed: 3);
        Assert.AreEqual((15, 5), (train.Count, validation.Count));
        Assert.IsTrue(train.IsRegression && validation.IsRegression);
        AssertImagesKeepTheirTargets(train);
        AssertImagesKeepTheirTargets(validation);
        var numbers = Enumerable.Range(0, 15).Select(i => train.Pixels(i)[0]).Concat(Enumerable.Range(0, 5).Select(i => validation.Pixels(i)[0]));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), numbers.ToArray());
    }

    [TestMethod]
    public void ASplitOfAnySourceReadsTheImagesThatTheCopyingSplitHolds()
    {
        var data = Numbered(20);
        var (train, validation) = data.Split(0.25, seed: 3);
        var (trainView, validationView) = SubsetSource.Split(data, 0.25, seed: 3);
        foreach (var (copy, view) in new[] { (train, trainView), (validation, validationView) })
        {
            Assert.AreSame(data.Layout, view.Layout);
            var indices = Enumerable.Range(0, copy.Count).Reverse().ToArray();
            Tensor Read(IBatchSource source, out Tensor targets)
            {
                var images = new Tensor(source.Layout.ImageShape(indices.Length));
                targets = new Tensor(source.Layout.TargetShape(indices.Length));
                source.Gather(indices, images, targets);
                return images;
            }
            CollectionAssert.AreEqual(Read(copy, out var copyTargets).ToArray(), Read(view, out var viewTargets).ToArray());
            CollectionAssert.AreEqual(copyTargets.ToArray(), viewTargets.ToArray());
        }
        ArgumentAssert.Throws(() => SubsetSource.Split(data, 1, seed: 3), "validationFraction", "(0, 1)");
    }

    [TestMethod]
    public void ALayoutSaysWhatASampleIs()
    {
        var classes = SampleLayout.Classification(3, 28, 28, ["cat", "dog"]);
        Assert.AreEqual("2 classes of 3×28×28 images", classes.ToString());
        Assert.AreEqual((false, 2, 0, 3 * 28 * 28), (classes.IsRegression, classes.ClassCount, classes.TargetCount, classes.ImageSize));
        Assert.AreEqual(new TensorShape(4, 3, 28, 28), classes.ImageShape(4));
        Assert.IsTrue(classes.Matches(SampleLayout.Classification(3, 28, 28, ["a", "b"])), "class names may differ");
        Assert.IsFalse(classes.Matches(SampleLayout.Classification(3, 28, 28, ["a", "b", "c"])));
        Assert.IsFalse(classes.Matches(SampleLayout.Classification(1, 28, 28, ["cat", "dog"])));

        var points = SampleLayout.Regression(1, 8, 8, 4);
        Assert.AreEqual("1×8×8 images with 4 regression targets", points.ToString());
        Assert.AreEqual((true, 0, 4), (points.IsRegression, points.ClassCount, points.TargetCount));
        Assert.AreEqual(new TensorShape(2, 4), points.TargetShape(2));
        Assert.IsFalse(points.Matches(SampleLayout.Regression(1, 8, 8, 2)));

        ArgumentAssert.Throws(() => SampleLayout.Classification(1, 8, 8, ["only"]), "classNames", "at least two classes");
        ArgumentAssert.Throws(() => SampleLayout.Classification(1, 0, 8, ["a", "b"]), "channels", "1×0×8");
        ArgumentAssert.Throws(() => SampleLayout.Regression(1, 8, 8, 0), "targetCount", "positive");
    }

    [TestMethod]
    public void EvenlySpacedImagesTakeEveryKthImage()
    {
        var images = Numbered(10).EvenlySpacedImages(3); // step 10 / 3 = 3: images 0, 3, 6
        CollectionAssert.AreEqual(new[] { 3, 1, 1, 2 }, images.Shape.Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, -0f, 3f, -3f, 6f, -6f }, images.ToArray());
        Assert.AreEqual(10, Numbered(10).EvenlySpacedImages(50).Shape[0], "at most every image");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Numbered(10).EvenlySpacedImages(0));
    }

    [TestMethod]
    public void NormalizedAppliesMeanAndStdPerChannelAndKeepsTargets()
    {
        var normalized = Numbered(4).Normalized(new MLNet.Cnn.Models.Normalization([1f], [2f]));
        CollectionAssert.AreEqual(new[] { 1f, -2f }, normalized.Pixels(3).ToArray(), "(3 − 1) / 2, (−3 − 1) / 2");
        CollectionAssert.AreEqual(new[] { 30f, 60f, 90f }, normalized.Targets(3).ToArray());
        var identity = Numbered(4);
        Assert.AreSame(identity, identity.Normalized(MLNet.Cnn.Models.Normalization.None(1)));
    }

    [TestMethod]
    public void SplitKeepsClassLabelsWithTheirImages()
    {
        var pixels = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var labels = Enumerable.Range(0, 10).Select(i => i % 3).ToArray();
        var (train, validation) = new ImageDataset(pixels, labels, 1, 1, 1, ["a", "b", "c"]).Split(0.3, seed: 1);
        foreach (var part in new[] { train, validation })
        {
            Assert.AreEqual(3, part.ClassCount);
            for (int i = 0; i < part.Count; i++) Assert.AreEqual((int)part.Pixels(i)[0] % 3, part.Labels[i]);
        }
    }

    [TestMethod]
    public void RegressionErrorsNameTheSizesAndThePlace()
    {
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[3 * 4], new float[5], 2, 1, 2, 2),
            "targets", "3 images with 2 targets each need 6 target values; 5 were given");
        var nan = new float[6];
        nan[5] = float.NaN;
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[3 * 4], nan, 2, 1, 2, 2),
            "targets", "Target 1 of image 2 is NaN", "finite");
        var infinite = new float[6];
        infinite[2] = float.PositiveInfinity;
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[3 * 4], infinite, 2, 1, 2, 2), "targets", "Target 0 of image 1 is");
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[10], new float[4], 2, 1, 2, 2),
            "pixels", "10 pixels are not a whole number of 1×2×2 images (4 pixels each)");
        ArgumentAssert.Throws(() => ImageDataset.ForRegression([], [], 2, 1, 2, 2), "pixels", "empty");
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[4], [], 0, 1, 2, 2), "targetCount", "positive", "0");
        ArgumentAssert.Throws(() => ImageDataset.ForRegression(new float[4], [1], 1, 0, 2, 2), "channels", "0×2×2");
    }
}
