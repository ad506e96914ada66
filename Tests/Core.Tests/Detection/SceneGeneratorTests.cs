using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class SceneGeneratorTests
{
    private static readonly ImageDataset Items = SceneItems.Make();

    [TestMethod]
    public void SameSeedGivesTheSameBytesAndDifferentSeedsDiffer()
    {
        var options = new SceneOptions { Color = true };
        var first = new SceneGenerator(Items, options, seed: 5).GenerateSet(24);
        var again = new SceneGenerator(Items, options, seed: 5).GenerateSet(24);
        var other = new SceneGenerator(Items, options, seed: 6).GenerateSet(24);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.IsTrue(first[i].PixelBytes.SequenceEqual(again[i].PixelBytes), $"pixels of scene {i}");
            Assert.IsTrue(first[i].ClassMap.SequenceEqual(again[i].ClassMap), $"class map of scene {i}");
            Assert.IsTrue(first[i].InstanceMap.SequenceEqual(again[i].InstanceMap), $"instance map of scene {i}");
            CollectionAssert.AreEqual(first[i].Objects.ToArray(), again[i].Objects.ToArray(), $"objects of scene {i}");
        }
        Assert.IsTrue(Enumerable.Range(0, first.Count).All(i => !first[i].PixelBytes.SequenceEqual(other[i].PixelBytes)),
            "another seed must give other scenes");
    }

    [TestMethod]
    public void SceneIDependsOnlyOnTheSeedAndI()
    {
        var generator = new SceneGenerator(Items, new SceneOptions(), seed: 11);
        var set = generator.GenerateSet(6, firstIndex: 40);
        for (int i = 0; i < set.Count; i++)
        {
            var alone = generator.Generate(40 + i);
            Assert.IsTrue(alone.PixelBytes.SequenceEqual(set[i].PixelBytes), $"scene {40 + i} alone and in a parallel set");
            CollectionAssert.AreEqual(alone.Objects.ToArray(), set[i].Objects.ToArray());
        }
    }

    [TestMethod]
    public void BoxesAreTheTightBoxesOfTheVisibleMasksInGrayAndColor()
    {
        foreach (bool color in new[] { false, true })
        {
            var options = new SceneOptions { Color = color, Height = 128, Width = 112 };
            var set = new SceneGenerator(Items, options, seed: 3).GenerateSet(60);
            Assert.AreEqual((color ? 3 : 1, 128, 112, 11), (set.Channels, set.Height, set.Width, set.SegmentationClassCount));
            for (int i = 0; i < set.Count; i++) SceneAssert.Consistent(set[i], options, $"{(color ? "color" : "gray")} scene {i}");
            Assert.IsTrue(Enumerable.Range(0, set.Count).Any(i => set[i].Objects.Any(o => o.Box != o.PlacedBox)),
                "some object should be partly covered by a later one");
            Assert.IsTrue(Enumerable.Range(0, set.Count).Any(i => set[i].ClassMap.Contains((byte)SceneSet.IgnoreLabel)),
                "the faint pixels of the items should be marked IgnoreLabel");
            Assert.IsFalse(Enumerable.Range(0, set.Count).Any(i => set[i].Objects.Any(o => o.SourceIndex == Items.Count - 1)),
                "the blank item can never be an object");
        }
    }

    [TestMethod]
    public void ColorScenesHaveThreeDifferentChannelsAndGrayOne()
    {
        var color = new SceneGenerator(Items, new SceneOptions { Color = true }, seed: 1).Generate(0);
        var gray = new SceneGenerator(Items, new SceneOptions(), seed: 1).Generate(0);
        int plane = 96 * 96;
        Assert.AreEqual((3, 3 * plane, 1, plane), (color.Channels, color.PixelBytes.Length, gray.Channels, gray.PixelBytes.Length));
        Assert.IsFalse(color.PixelBytes[..plane].SequenceEqual(color.PixelBytes.Slice(plane, plane)), "red and green planes are equal");
    }

    [TestMethod]
    public void ObjectCountsCoverTheConfiguredRangeAndTheOverlapLimitHolds()
    {
        var options = new SceneOptions { MinObjects = 2, MaxObjects = 4, MaxIoU = 0.05, MinVisibleFraction = 0.9 };
        var set = new SceneGenerator(Items, options, seed: 8).GenerateSet(80);
        var counts = Enumerable.Range(0, set.Count).Select(i => set.Objects(i).Count).ToHashSet();
        CollectionAssert.AreEquivalent(new[] { 2, 3, 4 }, counts.ToArray());
        for (int i = 0; i < set.Count; i++) SceneAssert.Consistent(set[i], options, $"scene {i}");
        var empty = new SceneGenerator(Items, new SceneOptions { MinObjects = 0, MaxObjects = 0 }, seed: 8).Generate(0);
        Assert.AreEqual(0, empty.Objects.Count);
        Assert.IsTrue(empty.InstanceMap.ToArray().All(v => v == 0) && empty.ClassMap.ToArray().All(v => v == 0));
    }

    [TestMethod]
    public void ItemsStayWholeUnlessClippingIsAllowed()
    {
        foreach (bool clipping in new[] { false, true })
        {
            var options = new SceneOptions { AllowClipping = clipping, MaxObjects = 3 };
            var set = new SceneGenerator(Items, options, seed: 21).GenerateSet(60);
            int clipped = 0;
            for (int i = 0; i < set.Count; i++)
            {
                SceneAssert.Consistent(set[i], options, $"scene {i}");
                foreach (var o in set.Objects(i))
                {
                    var (width, height) = ThresholdBoxSize(o, options);
                    bool whole = o.PlacedBox.Width == width && o.PlacedBox.Height == height;
                    if (!clipping) Assert.IsTrue(whole, $"scene {i}: item {o.SourceIndex} at scale {o.Scale} lost pixels at the border: {o.PlacedBox}");
                    else if (!whole)
                    {
                        clipped++;
                        var b = o.PlacedBox;
                        Assert.IsTrue(b.X1 == 0 || b.Y1 == 0 || b.X2 == 96 || b.Y2 == 96, $"a clipped box {b} touches the border");
                    }
                }
            }
            if (clipping) Assert.IsTrue(clipped > 0, "with AllowClipping some items should stick out of the canvas");
        }
    }

    /// <summary>The size of the tight box of the resized item's pixels at or above the mask threshold.</summary>
    private static (int Width, int Height) ThresholdBoxSize(SceneObject o, SceneOptions options)
    {
        var patch = AlphaPatch.Resized(Items.Pixels(o.SourceIndex), 28, 28, 0, 0, 28, 28,
            (int)Math.Round(28 * o.Scale), (int)Math.Round(28 * o.Scale));
        var rows = Enumerable.Range(0, patch.Height).Where(i => Enumerable.Range(0, patch.Width).Any(j => patch[i, j] >= (float)options.MaskThreshold)).ToArray();
        var columns = Enumerable.Range(0, patch.Width).Where(j => Enumerable.Range(0, patch.Height).Any(i => patch[i, j] >= (float)options.MaskThreshold)).ToArray();
        return (columns[^1] - columns[0] + 1, rows[^1] - rows[0] + 1);
    }

    [TestMethod]
    public void BatchesGatherImagesInUnitRangeAndClassMapsAsFloatTargets()
    {
        var set = new SceneGenerator(Items, new SceneOptions { Color = true }, seed: 2).GenerateSet(4);
        var images = new MLNet.Cnn.Tensors.Tensor(2, 3, 96, 96);
        var maps = new MLNet.Cnn.Tensors.Tensor(2, 96, 96);
        set.GatherImages([3, 1], images);
        set.GatherClassMaps([3, 1], maps);
        Assert.AreEqual(set[3].PixelBytes[100] / 255f, images.Span[100]);
        Assert.AreEqual(set[1].PixelBytes[5] / 255f, images.Span[3 * 96 * 96 + 5]);
        Assert.AreEqual(set[1].ClassMap[4000], maps.Span[96 * 96 + 4000]);
        Assert.IsTrue(images.Span.ToArray().All(v => v >= 0 && v <= 1));
        Assert.ThrowsExactly<ArgumentException>(() => set.GatherImages([0], new MLNet.Cnn.Tensors.Tensor(1, 1, 96, 96)));
    }

    public static IEnumerable<object[]> BadOptions() =>
        new (SceneOptions Options, string Part)[]
        {
            (new SceneOptions { Height = 4 }, "at least 8×8"),
            (new SceneOptions { MinObjects = 3, MaxObjects = 2 }, "MinObjects … MaxObjects"),
            (new SceneOptions { MaxObjects = 300 }, "≤ 254"),
            (new SceneOptions { MinScale = 0 }, "MinScale … MaxScale"),
            (new SceneOptions { MinScale = 2, MaxScale = 1 }, "MinScale … MaxScale"),
            (new SceneOptions { MaxScale = double.NaN }, "MinScale … MaxScale"),
            (new SceneOptions { MaxIoU = 1.5 }, "MaxIoU must be in [0, 1]; 1.5"),
            (new SceneOptions { MinVisibleFraction = -0.1 }, "MinVisibleFraction"),
            (new SceneOptions { MinContrast = 0.6 }, "MinContrast must be in [0, 0.5]; 0.6"),
            (new SceneOptions { MinClutter = -1 }, "MinClutter … MaxClutter"),
            (new SceneOptions { ClutterContrast = 2 }, "ClutterContrast"),
            (new SceneOptions { NoiseStd = -1 }, "NoiseStd"),
            (new SceneOptions { MaskThreshold = 0 }, "MaskThreshold must be in (0, 1]"),
            (new SceneOptions { MaxAttempts = 0 }, "MaxAttempts"),
        }.Select(c => new object[] { c.Options, c.Part });

    [TestMethod]
    [DynamicData(nameof(BadOptions))]
    public void BadOptionsAreRefusedByName(SceneOptions options, string part) =>
        ArgumentAssert.Throws(() => new SceneGenerator(Items, options, seed: 0), "options", part);

    [TestMethod]
    public void BadItemsAndOvercrowdedScenesAreRefusedClearly()
    {
        var rgb = new ImageDataset(new float[2 * 3 * 28 * 28], [0, 1], 3, 28, 28, ["a", "b"]);
        ArgumentAssert.Throws(() => new SceneGenerator(rgb, new SceneOptions(), 0), "items", "1-channel");
        var crowded = new SceneGenerator(Items, new SceneOptions { Height = 32, Width = 32, MinObjects = 20, MaxObjects = 20, MaxIoU = 0, MaxAttempts = 5 }, 0);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => crowded.Generate(0));
        StringAssert.Contains(e.Message, "found no place in 5 tries");
    }

    [TestMethod]
    public void FashionMnistScenesHoldTheTenClothesClasses()
    {
        if (!FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not installed in {FashionMnist.DebianDirectory} (apt-get install -y dataset-fashion-mnist).");
        var options = new SceneOptions();
        var set = SceneGenerator.FromFashionMnist(options, seed: 16, train: false).GenerateSet(200);
        CollectionAssert.AreEqual(FashionMnist.ClassNames.ToArray(), set.ClassNames.ToArray());
        for (int i = 0; i < set.Count; i++) SceneAssert.Consistent(set[i], options, $"Fashion-MNIST scene {i}");
        var labels = Enumerable.Range(0, set.Count).SelectMany(i => set.Objects(i)).Select(o => o.Label).ToHashSet();
        Assert.AreEqual(10, labels.Count, "200 scenes should hold all ten classes");
    }
}
