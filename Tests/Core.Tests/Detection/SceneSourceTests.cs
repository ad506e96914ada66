using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Detection;

/// <summary>A <see cref="SceneSet"/> as the trainer's segmentation and detection sources.</summary>
[TestClass]
public sealed class SceneSourceTests
{
    private static readonly SceneGenerator Generator =
        new(SceneItems.Make(), new SceneOptions { Height = 48, Width = 48, MaxObjects = 4, MaxScale = 1 }, seed: 3);

    private static readonly SceneSet Set = Generator.GenerateSet(6);

    [TestMethod]
    public void Streamed_sources_render_the_same_scenes_and_targets_as_a_set_in_memory()
    {
        int[] indices = [5, 0, 3, 3];
        foreach (var (streamed, held) in new[] { (Generator.DetectionSource(6), Set.DetectionSource()), (Generator.SegmentationSource(6), Set.SegmentationSource()) })
        {
            Assert.AreEqual(6, streamed.Count);
            Assert.IsTrue(streamed.Layout.Matches(held.Layout), $"{streamed.Layout} vs {held.Layout}");
            var (images, targets) = (new Tensor(held.Layout.ImageShape(4)), new Tensor(held.Layout.TargetShape(4)));
            var (expectedImages, expectedTargets) = (new Tensor(images.Shape), new Tensor(targets.Shape));
            streamed.Gather(indices, images, targets);
            held.Gather(indices, expectedImages, expectedTargets);
            CollectionAssert.AreEqual(expectedImages.ToArray(), images.ToArray(), streamed.Layout.ToString());
            CollectionAssert.AreEqual(expectedTargets.ToArray(), targets.ToArray(), streamed.Layout.ToString());
        }
        var outside = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Generator.DetectionSource(6).Gather([6], new Tensor(1, 1, 48, 48), new Tensor(1, 4, 5)));
        StringAssert.Contains(outside.Message, "Scene 6 is outside 0 … 5");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Generator.SegmentationSource(0));
    }

    [TestMethod]
    public void The_segmentation_source_gives_images_and_class_maps_with_background_first()
    {
        var source = Set.SegmentationSource();
        Assert.AreEqual(TargetKind.Segmentation, source.Layout.Kind);
        Assert.AreEqual(SceneSet.IgnoreLabel, source.Layout.IgnoreLabel);
        CollectionAssert.AreEqual(new[] { "background" }.Concat(Set.ClassNames).ToArray(), source.Layout.ClassNames.ToArray());
        int[] indices = [4, 1];
        var (images, maps) = (new Tensor(source.Layout.ImageShape(2)), new Tensor(source.Layout.TargetShape(2)));
        source.Gather(indices, images, maps);
        var (expectedImages, expectedMaps) = (new Tensor(images.Shape), new Tensor(maps.Shape));
        Set.GatherImages(indices, expectedImages);
        Set.GatherClassMaps(indices, expectedMaps);
        CollectionAssert.AreEqual(expectedImages.ToArray(), images.ToArray());
        CollectionAssert.AreEqual(expectedMaps.ToArray(), maps.ToArray());

        // a network that echoes the class map scores it perfectly
        var matrix = SegmentationEvaluation.MatrixFor(source.Layout);
        var logits = new Tensor(2, source.Layout.ClassCount, 48, 48);
        for (int k = 0; k < maps.Length; k++)
        {
            int c = (int)maps.Span[k];
            logits.Span[((k / 2304) * source.Layout.ClassCount + (c == SceneSet.IgnoreLabel ? 0 : c)) * 2304 + k % 2304] = 1;
        }
        SegmentationEvaluation.Add(matrix, logits, maps);
        Assert.AreEqual(1.0, matrix.ComputeMetrics().MeanIoU);
    }

    [TestMethod]
    public void The_detection_source_gives_each_scenes_boxes_and_labels_in_rows_of_the_options_object_limit()
    {
        var source = Set.DetectionSource();
        Assert.AreEqual(TargetKind.Detection, source.Layout.Kind);
        Assert.AreEqual(4, source.Layout.MaxObjects);
        CollectionAssert.AreEqual(Set.ClassNames.ToArray(), source.Layout.ClassNames.ToArray());
        var indices = Enumerable.Range(0, Set.Count).ToArray();
        var targets = new Tensor(source.Layout.TargetShape(Set.Count));
        source.Gather(indices, new Tensor(source.Layout.ImageShape(Set.Count)), targets);
        for (int n = 0; n < Set.Count; n++)
        {
            var expected = Set.Objects(n).Select(o => new GroundTruthBox(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, o.Label)).ToArray();
            CollectionAssert.AreEqual(expected, DetectionTargets.Read(targets.Span.Slice(n * 20, 20)), $"scene {n}");
        }

        int most = Enumerable.Range(0, Set.Count).Max(n => Set.Objects(n).Count);
        Assert.IsTrue(most >= 2, $"{most} objects at most");
        var tight = Set.DetectionSource(maxObjects: most - 1);
        int crowded = Enumerable.Range(0, Set.Count).First(n => Set.Objects(n).Count == most);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            tight.Gather([crowded], new Tensor(tight.Layout.ImageShape(1)), new Tensor(tight.Layout.TargetShape(1))));
        StringAssert.Contains(error.Message, $"scene {crowded} has {most} objects; the layout holds at most {most - 1}");
    }

    [TestMethod]
    public void Scene_sources_split_and_normalize_as_any_source()
    {
        var (train, validation) = SubsetSource.Split(Set.DetectionSource(), 0.5, seed: 1);
        Assert.AreEqual(3, validation.Count);
        Assert.IsTrue(train.Layout.Matches(validation.Layout));
        var normalized = NormalizedSource.Of(Set.SegmentationSource(), new MLNet.Cnn.Models.Normalization([0.5f], [0.25f]));
        var (images, maps) = (new Tensor(normalized.Layout.ImageShape(1)), new Tensor(normalized.Layout.TargetShape(1)));
        normalized.Gather([2], images, maps);
        var raw = new Tensor(images.Shape);
        Set.GatherImages([2], raw);
        Assert.AreEqual((raw.Span[100] - 0.5f) / 0.25f, images.Span[100], 1e-6f);
        Assert.AreEqual((float)Set[2].ClassMap[100], maps.Span[100]);
    }
}
