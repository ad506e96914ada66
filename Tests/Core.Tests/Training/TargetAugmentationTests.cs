using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>The trainer's augmentation moves segmentation masks and detection boxes with the pixels (<see cref="SampleAugmenter"/>).</summary>
[TestClass]
public sealed class TargetAugmentationTests
{
    /// <summary>Moves the image <paramref name="dx"/> pixels to the right through the ops' own gather and target mapping (outside: fill).</summary>
    private sealed class ShiftRight(int dx) : IAugmentation
    {
        public void Apply(AugmentationSample sample, Random random)
        {
            int width = sample.Width, height = sample.Height;
            var columns = AxisGather.Run(-dx, width);
            foreach (ref int c in columns.AsSpan())
                if (c < 0 || c >= width) c = AxisGather.Outside;
            AxisGather.Apply(sample, AxisGather.Run(0, height), columns);
            TargetMapping.Apply(sample, AffineMap.Translation(dx, 0), width, height);
        }
    }

    private static Tensor Copy(Tensor t)
    {
        var copy = new Tensor(t.Shape);
        t.Span.CopyTo(copy.Span);
        return copy;
    }

    private static readonly string[] Names = ["background", "a", "b"];

    private static void Augment(IAugmentation op, SampleLayout layout, Tensor images, Tensor targets, int epoch = 1, int seed = 5) =>
        new SampleAugmenter(op, AugmentTargets.None, seed, layout).Apply(images, targets, new ArraySegment<int>(Enumerable.Range(0, images.Shape[0]).ToArray()), epoch);

    [TestMethod]
    public void A_horizontal_flip_mirrors_the_class_map_and_the_boxes_keeping_their_classes()
    {
        var segmentation = SampleLayout.Segmentation(1, 2, 4, Names);
        var images = new Tensor(1, 1, 2, 4);
        var maps = new Tensor(1, 2, 4);
        float[] map = [0, 1, 2, 255, 1, 1, 0, 0];
        map.CopyTo(maps.Span);
        map.CopyTo(images.Span);
        Augment(new HorizontalFlip(1), segmentation, images, maps);
        CollectionAssert.AreEqual(new float[] { 255, 2, 1, 0, 0, 0, 1, 1 }, maps.ToArray());
        CollectionAssert.AreEqual(maps.ToArray(), images.ToArray());

        var detection = SampleLayout.Detection(1, 8, 10, ["a", "b"], maxObjects: 3);
        var boxes = new Tensor(1, 3, 5);
        DetectionTargets.Write([new(1, 2, 4, 6, 1), new(6, 0, 10, 8, 0)], boxes.Span, 3);
        Augment(new HorizontalFlip(1), detection, new Tensor(1, 1, 8, 10), boxes);
        CollectionAssert.AreEqual(new GroundTruthBox[] { new(6, 2, 9, 6, 1), new(0, 0, 4, 8, 0) }, DetectionTargets.Read(boxes.Span));
    }

    [TestMethod]
    public void A_shift_drops_the_box_that_leaves_the_image_with_its_class_and_fills_the_mask_with_the_ignore_label()
    {
        var detection = SampleLayout.Detection(1, 8, 8, ["a", "b", "c"], maxObjects: 3);
        var boxes = new Tensor(1, 3, 5);
        DetectionTargets.Write([new(4, 1, 7, 3, 2), new(0, 0, 2, 2, 1), new(2, 4, 6, 8, 0)], boxes.Span, 3);
        Augment(new ShiftRight(5), detection, new Tensor(1, 1, 8, 8), boxes);
        // (4, 7) → (9, 12): outside, dropped with class 2; (0, 2) → (5, 7) kept; (2, 6) → (7, 11) clamped to a 1-pixel box, kept
        CollectionAssert.AreEqual(new GroundTruthBox[] { new(5, 0, 7, 2, 1), new(7, 4, 8, 8, 0) }, DetectionTargets.Read(boxes.Span));
        CollectionAssert.AreEqual(new float[] { -1, 0, 0, 0, 0 }, boxes.ToArray()[10..]);

        var sliver = new Tensor(1, 3, 5);
        DetectionTargets.Write([new(0, 0, 3.5f, 2, 1)], sliver.Span, 3);
        Augment(new ShiftRight(5), detection, new Tensor(1, 1, 8, 8), sliver);   // (0, 3.5) → (5, 8.5), clamped to (5, 8): kept
        Assert.AreEqual(1, DetectionTargets.Read(sliver.Span).Length);
        DetectionTargets.Write([new(2, 0, 3.5f, 2, 1)], sliver.Span, 3);
        Augment(new ShiftRight(5), detection, new Tensor(1, 1, 8, 8), sliver);   // (7, 8.5) → (7, 8): 1 pixel, kept
        Assert.AreEqual(1, DetectionTargets.Read(sliver.Span).Length);
        DetectionTargets.Write([new(2.5f, 0, 3.5f, 2, 1)], sliver.Span, 3);
        Augment(new ShiftRight(5), detection, new Tensor(1, 1, 8, 8), sliver);   // (7.5, 8.5) → (7.5, 8): half a pixel, dropped
        Assert.AreEqual(0, DetectionTargets.Read(sliver.Span).Length);

        var map = new Tensor(1, 1, 4);
        float[] classes = [1, 2, 255, 0];
        classes.CopyTo(map.Span);
        Augment(new ShiftRight(2), SampleLayout.Segmentation(1, 1, 4, Names), new Tensor(1, 1, 1, 4), map);
        CollectionAssert.AreEqual(new float[] { 255, 255, 1, 2 }, map.ToArray());
        classes.CopyTo(map.Span);
        Augment(new ShiftRight(2), SampleLayout.Segmentation(1, 1, 4, Names, ignoreLabel: null), new Tensor(1, 1, 1, 4), map);
        CollectionAssert.AreEqual(new float[] { 0, 0, 1, 2 }, map.ToArray());
    }

    [TestMethod]
    public void Random_exact_ops_keep_pixels_mask_and_boxes_together_and_the_same_seed_gives_the_same_batch()
    {
        // each image's pixel is its class + 1 (0 would be padding), so pixels, mask and boxes must tell the same story
        const int count = 6, size = 12;
        var images = new Tensor(count, 1, size, size);
        var maps = new Tensor(count, size, size);
        var boxes = new Tensor(count, 2, 5);
        for (int n = 0; n < count; n++)
        {
            int x0 = n % 4, y0 = n % 3 + 1;
            var objects = new GroundTruthBox[] { new(x0, y0, x0 + 4, y0 + 5, 0), new(7, 6 - n % 2, 11, 11, 1) };
            foreach (var o in objects)
                for (int i = (int)o.Y0; i < o.Y1; i++)
                    for (int j = (int)o.X0; j < o.X1; j++) maps.Span[(n * size + i) * size + j] = o.ClassId + 1;
            DetectionTargets.Write(objects, boxes.Span.Slice(n * 10, 10), 2);
        }
        for (int k = 0; k < maps.Length; k++) images.Span[k] = maps.Span[k] + 1;
        var pipeline = new AugmentationPipeline(new HorizontalFlip(), new VerticalFlip(), new RandomCrop(size, size, padding: 3));
        var segmentation = SampleLayout.Segmentation(1, size, size, Names);
        var detection = SampleLayout.Detection(1, size, size, ["a", "b"], 2);

        var (augmented, augmentedMaps, augmentedBoxes) = (Copy(images), Copy(maps), Copy(boxes));
        Augment(pipeline, segmentation, augmented, augmentedMaps, epoch: 3);
        Augment(pipeline, detection, Copy(images), augmentedBoxes, epoch: 3);
        for (int k = 0; k < maps.Length; k++)
            Assert.AreEqual(augmented.Span[k] == 0 ? 255 : augmented.Span[k] - 1, augmentedMaps.Span[k], $"pixel {k}");
        int moved = 0;
        for (int n = 0; n < count; n++)
        {
            var kept = DetectionTargets.Read(augmentedBoxes.Span.Slice(n * 10, 10));
            foreach (var box in kept)
            {
                // the box is the tight box of its class's pixels (objects of different classes do not overlap here)
                var (x0, y0, x1, y1) = (size, size, 0, 0);
                for (int i = 0; i < size; i++)
                    for (int j = 0; j < size; j++)
                        if (augmentedMaps.Span[(n * size + i) * size + j] == box.ClassId + 1) (x0, y0, x1, y1) = (Math.Min(x0, j), Math.Min(y0, i), Math.Max(x1, j + 1), Math.Max(y1, i + 1));
                Assert.AreEqual(new GroundTruthBox(x0, y0, x1, y1, box.ClassId), box, $"image {n}");
            }
            if (!kept.SequenceEqual(DetectionTargets.Read(boxes.Span.Slice(n * 10, 10)))) moved++;
        }
        Assert.IsTrue(moved >= 3, $"{moved} images moved");

        var again = Copy(boxes);
        Augment(pipeline, detection, Copy(images), again, epoch: 3);
        CollectionAssert.AreEqual(augmentedBoxes.ToArray(), again.ToArray());
        var otherEpoch = Copy(boxes);
        Augment(pipeline, detection, Copy(images), otherEpoch, epoch: 4);
        CollectionAssert.AreNotEqual(augmentedBoxes.ToArray(), otherEpoch.ToArray());
    }
}
