using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization.Tests;

[TestClass]
public sealed class FilterGridTests
{
    [TestMethod]
    public void AnRgbFilterIsOneColorTileScaledByItsOwnMinimumAndMaximum()
    {
        // One filter [1, 3, 1, 2]: red [0, 8], green [2, 4], blue [6, 1]; min 0, max 8: v ↦ round(255 · v / 8).
        var weights = Tensor.FromArray([0, 8, 2, 4, 6, 1], 1, 3, 1, 2);
        var tile = FilterGrid.Tiles(weights, sharedScale: false).Single();
        Assert.AreEqual((2, 1), (tile.Width, tile.Height));
        Assert.AreEqual(new Rgb(0, 64, 191), tile[0, 0]);
        Assert.AreEqual(new Rgb(255, 128, 32), tile[1, 0]);
    }

    [TestMethod]
    public void GrayFiltersAreScaledEachOnItsOwnOrAllOnOneScale()
    {
        // Two 2×2 filters: [1, 2, 3, 5] (min 1, max 5) and a constant 7.
        var weights = Tensor.FromArray([1, 2, 3, 5, 7, 7, 7, 7], 2, 1, 2, 2);
        var own = FilterGrid.Tiles(weights, sharedScale: false);
        CollectionAssert.AreEqual(new byte[] { 0, 64, 128, 255 }, Grays(own[0]));
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0 }, Grays(own[1]), "a constant filter is black");
        // One scale, min 1, max 7: v ↦ round(255 · (v − 1) / 6).
        var shared = FilterGrid.Tiles(weights, sharedScale: true);
        CollectionAssert.AreEqual(new byte[] { 0, 43, 85, 170 }, Grays(shared[0]));
        CollectionAssert.AreEqual(new byte[] { 255, 255, 255, 255 }, Grays(shared[1]));
    }

    [TestMethod]
    public void OtherInputChannelCountsGiveAGrayTilePerChannelOnTheFiltersScale()
    {
        // [2, 2, 1, 1]: filter 0 = (0, 10), filter 1 = (−5, 5); per filter, each channel's single weight is its min or max.
        var weights = Tensor.FromArray([0, 10, -5, 5], 2, 2, 1, 1);
        CollectionAssert.AreEqual(new byte[] { 0, 255, 0, 255 }, FilterGrid.Tiles(weights, false).Select(t => t[0, 0].R).ToArray());
        // Shared: min −5, max 10.
        CollectionAssert.AreEqual(new byte[] { 85, 255, 0, 170 }, FilterGrid.Tiles(weights, true).Select(t => t[0, 0].R).ToArray());
    }

    [TestMethod]
    public void TheGridEnlargesTilesTowardsTheTargetSizeWithGapsAndDecodesAsAPng()
    {
        // 6 RGB 3×3 filters: ×16 → 48-pixel tiles in ⌈√6⌉ = 3 columns, 2 rows, 2-pixel gaps.
        var weights = Tensor.FromArray(Enumerable.Range(0, 6 * 27).Select(i => (float)Math.Sin(i)).ToArray(), 6, 3, 3, 3);
        var grid = FilterGrid.Render(weights);
        Assert.AreEqual((3 * 48 + 4 * 2, 2 * 48 + 3 * 2), (grid.Width, grid.Height));
        Assert.AreEqual(Rgb.White, grid[1, 1], "the gap");
        var tile = FilterGrid.Tiles(weights, false)[4]; // row 1, column 1
        Assert.AreEqual(tile[2, 1], grid[2 + 50 + 2 * 16 + 15, 2 + 50 + 16], "filter 4's pixel (2, 1), a 16×16 block");
        Assert.AreEqual((grid.Width, grid.Height), Png.Size(grid.EncodePng()));
    }

    [TestMethod]
    public void ALayersFiltersAreDrawnARowPerFilterWhenTheInputIsNeitherGrayNorRgb()
    {
        var rgb = FilterGrid.Render(new Conv2dLayer("conv1", 3, 8, 5));
        Assert.AreEqual((3 * 45 + 4 * 2, 3 * 45 + 4 * 2), (rgb.Width, rgb.Height), "8 filters of 5×5 ×9 in 3 columns");
        var perChannel = FilterGrid.Render(new Conv2dLayer("conv2", 4, 2, 3), new FilterGridOptions { Gap = 1, TargetSize = 30 });
        Assert.AreEqual((4 * 30 + 5, 2 * 30 + 3), (perChannel.Width, perChannel.Height), "2 filters × 4 channels of 3×3 ×10");
    }

    [TestMethod]
    public void BadWeightsAndOptionsAreRefusedWithTheirShapeOrName()
    {
        var flat = Assert.ThrowsExactly<ArgumentException>(() => FilterGrid.Render(new Tensor(4, 3, 3)));
        StringAssert.Contains(flat.Message, "[O, I, kh, kw]");
        var weights = Tensor.FromArray([1, float.NaN, 0, 0], 1, 1, 2, 2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FilterGrid.Render(weights)).Message, "NaN");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FilterGrid.Render(new Tensor(1, 1, 2, 2), new FilterGridOptions { Columns = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FilterGrid.Render(new Tensor(1, 1, 2, 2), new FilterGridOptions { Gap = -1 }));
        Assert.ThrowsExactly<ArgumentNullException>(() => FilterGrid.Render((Conv2dLayer)null!));
    }

    private static byte[] Grays(RgbImage tile) =>
        Enumerable.Range(0, tile.Width * tile.Height).Select(p => tile[p % tile.Width, p / tile.Width].R).ToArray();
}
