using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization.Tests;

[TestClass]
public sealed class FeatureMapGridTests
{
    /// <summary>[1, 3, 2, 2]: channel 0 = 0, 1, 2, 3; channel 1 constant (a dead ReLU's zeros); channel 2 = −6, 0, 0, 6.</summary>
    private static Tensor Maps() => Tensor.FromArray([0, 1, 2, 3, 0, 0, 0, 0, -6, 0, 0, 6], 1, 3, 2, 2);

    [TestMethod]
    public void EachChannelIsAGrayTileScaledByItsOwnMinimumAndMaximum()
    {
        var tiles = FeatureMapGrid.Tiles(Maps(), maxChannels: null, sharedScale: false);
        Assert.HasCount(3, tiles);
        CollectionAssert.AreEqual(new byte[] { 0, 85, 170, 255 }, Grays(tiles[0]));
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0 }, Grays(tiles[1]));
        CollectionAssert.AreEqual(new byte[] { 0, 128, 128, 255 }, Grays(tiles[2]));
        Assert.AreEqual(Rgb.Gray(85), tiles[0][1, 0], "gray: R = G = B");
    }

    [TestMethod]
    public void ASharedScaleAndAChannelLimitApplyToTheChannelsShown()
    {
        // The first two channels only: min 0, max 3 over them (channel 2's −6 and 6 are not shown).
        var tiles = FeatureMapGrid.Tiles(Maps(), maxChannels: 2, sharedScale: true);
        Assert.HasCount(2, tiles);
        CollectionAssert.AreEqual(new byte[] { 0, 85, 170, 255 }, Grays(tiles[0]));
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0 }, Grays(tiles[1]));
    }

    [TestMethod]
    public void TheGridHasACaptionStripUnderEachRowWhenAsked()
    {
        // 5 channels of 4×4, ×16 → 64-pixel tiles in ⌈√5⌉ = 3 columns, 2 rows, 2-pixel gaps.
        var maps = Tensor.FromArray(Enumerable.Range(0, 5 * 16).Select(i => (float)(i % 7)).ToArray(), 5, 4, 4);
        var plain = FeatureMapGrid.Render(maps);
        Assert.AreEqual((3 * 64 + 4 * 2, 2 * 64 + 3 * 2), (plain.Width, plain.Height));
        var captioned = FeatureMapGrid.Render(maps, new FeatureMapOptions { Captions = true });
        Assert.AreEqual((3 * 64 + 4 * 2, 2 * (64 + 16) + 3 * 2), (captioned.Width, captioned.Height));
        Assert.AreEqual((captioned.Width, captioned.Height), Png.Size(captioned.EncodePng()));
        var two = FeatureMapGrid.Render(maps, new FeatureMapOptions { MaxChannels = 2, Columns = 1 });
        Assert.AreEqual((64 + 2 * 2, 2 * 64 + 3 * 2), (two.Width, two.Height));
    }

    [TestMethod]
    public void BadMapsAreRefusedWithTheirShape()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FeatureMapGrid.Render(new Tensor(2, 3, 4, 4))).Message, "[2, 3, 4, 4]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FeatureMapGrid.Render(new Tensor(4, 4))).Message, "[C, h, w]");
        var infinite = Tensor.FromArray([0, float.PositiveInfinity], 1, 1, 2);
        Assert.ThrowsExactly<ArgumentException>(() => FeatureMapGrid.Render(infinite));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FeatureMapGrid.Render(Maps(), new FeatureMapOptions { MaxChannels = 0 }));
    }

    private static byte[] Grays(RgbImage tile) =>
        Enumerable.Range(0, tile.Width * tile.Height).Select(p => tile[p % tile.Width, p / tile.Width].R).ToArray();
}
