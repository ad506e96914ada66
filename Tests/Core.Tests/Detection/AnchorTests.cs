using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class AnchorTests
{
    [TestMethod]
    public void Anchor_generator_matches_torchvision()
    {
        // torchvision_reference.py: sizes ((16, 32), (64,)), ratios (0.5, 1, 2) per level, a 32×40 image, maps 4×5 and 2×3
        // (strides 8×8 and 16×13).
        var generator = new AnchorGenerator([[16, 32], [64]], [[0.5f, 1, 2], [0.5f, 1, 2]]);
        Assert.AreEqual(6, generator.AnchorsPerLocation(0));
        Assert.AreEqual(3, generator.AnchorsPerLocation(1));
        var anchors = generator.Generate(32, 40, [(4, 5), (2, 3)]);
        Approx.AssertClose(TorchvisionValues.Anchors, anchors, 0, "anchors");
    }

    [TestMethod]
    public void Anchor_generator_refuses_mismatched_levels()
    {
        ArgumentAssert.Throws(() => new AnchorGenerator([[16]], [[1], [2]]), "aspectRatios", "2 levels", "1");
        var generator = new AnchorGenerator([[16]], [[1]]);
        ArgumentAssert.Throws(() => generator.Generate(32, 32, [(4, 4), (2, 2)]), "featureSizes", "2 levels");
        ArgumentAssert.Throws(() => generator.Generate(32, 32, [(64, 4)]), "featureSizes", "64×4");
    }

    [TestMethod]
    public void Grid_anchors_are_centered_on_cells_row_column_anchor()
    {
        // 2×3 grid, stride 8×10, anchors 4×6 and 10×2 (width × height)
        var anchors = GridAnchors.Generate(2, 3, 8, 10, [4, 6, 10, 2]);
        Assert.AreEqual(2 * 3 * 2 * 4, anchors.Length);
        CollectionAssert.AreEqual(new float[] { 3, 1, 7, 7, 0, 3, 10, 5 }, anchors[..8]); // cell (0, 0), center (5, 4)
        CollectionAssert.AreEqual(new float[] { 23, 9, 27, 15, 20, 11, 30, 13 }, anchors[40..]); // cell (1, 2), center (25, 12)
        ArgumentAssert.Throws(() => GridAnchors.Generate(2, 2, 8, 8, [4, 6, 10]), "sizes", "pairs");
    }

    [TestMethod]
    public void Kmeans_recovers_well_separated_shapes_deterministically()
    {
        // three families of shapes (10×10, 40×20, 15×60) with ±10 % jitter, at random positions
        var random = new Random(7);
        var boxes = new List<float>();
        foreach (var (w, h) in new[] { (10f, 10f), (40f, 20f), (15f, 60f) })
            for (int i = 0; i < 30; i++)
            {
                float x = random.Next(100), y = random.Next(100);
                boxes.AddRange([x, y, x + w * (0.9f + 0.2f * random.NextSingle()), y + h * (0.9f + 0.2f * random.NextSingle())]);
            }
        var data = boxes.ToArray();
        var sizes = AnchorKMeans.Fit(data, 3, seed: 1);
        CollectionAssert.AreEqual(sizes, AnchorKMeans.Fit(data, 3, seed: 1));
        float[] expected = [10, 10, 40, 20, 15, 60]; // sorted by area: 100, 800, 900
        for (int i = 0; i < 6; i++) Assert.AreEqual(expected[i], sizes[i], 0.05 * expected[i], $"size {i}: {string.Join(", ", sizes)}");
        Assert.IsTrue(AnchorKMeans.MeanBestIou(data, sizes) > 0.85);
        Assert.IsTrue(AnchorKMeans.MeanBestIou(data, sizes) > AnchorKMeans.MeanBestIou(data, AnchorKMeans.Fit(data, 1, seed: 1)));
    }

    [TestMethod]
    public void Kmeans_refuses_too_few_shapes_and_degenerate_boxes()
    {
        ArgumentAssert.Throws(() => AnchorKMeans.Fit([0, 0, 2, 2, 5, 5, 7, 7], 2, seed: 1), "boxes", "only 1 distinct");
        ArgumentAssert.Throws(() => AnchorKMeans.Fit([0, 0, 0, 2], 1, seed: 1), "boxes", "positive sizes");
        ArgumentAssert.Throws(() => AnchorKMeans.Fit([], 1, seed: 1), "boxes", "empty");
    }
}
