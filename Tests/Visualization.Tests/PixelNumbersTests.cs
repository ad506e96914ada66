namespace MLNet.Cnn.Visualization.Tests;

/// <summary>The numbers under every picture: min–max bytes, nearest-neighbour enlargement, pasting, frames and grid layout.</summary>
[TestClass]
public sealed class PixelNumbersTests
{
    [TestMethod]
    public void MinMaxScalingMapsTheSmallestToBlackTheLargestToWhiteAndRoundsHalvesUp()
    {
        // A hand-made filter: min −1, max 3, so v ↦ 255 · (v + 1) / 4: 0 → 63.75, 1 → 127.5, 3 → 255.
        float[] filter = [-1, 0, 1, 3];
        var range = ValueRange.Of(filter);
        Assert.AreEqual(new ValueRange(-1, 3), range);
        CollectionAssert.AreEqual(new byte[] { 0, 64, 128, 255 }, filter.Select(range.ToByte).ToArray());
    }

    [TestMethod]
    public void AConstantInputIsBlackAndUnitValuesAreClamped()
    {
        Assert.AreEqual((byte)0, new ValueRange(7, 7).ToByte(7));
        var unit = ValueRange.Unit;
        CollectionAssert.AreEqual(new byte[] { 0, 0, 51, 128, 255, 255 }, new[] { -0.2f, 0, 0.2f, 0.5f, 1, 1.3f }.Select(unit.ToByte).ToArray());
    }

    [TestMethod]
    public void EnlargingRepeatsEachPixelAsASquareBlock()
    {
        var small = new RgbImage(2, 1);
        small[0, 0] = new Rgb(10, 20, 30);
        small[1, 0] = new Rgb(40, 50, 60);
        var large = small.Enlarge(3);
        Assert.AreEqual((6, 3), (large.Width, large.Height));
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 6; x++)
                Assert.AreEqual(x < 3 ? small[0, 0] : small[1, 0], large[x, y], $"pixel ({x}, {y})");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => small.Enlarge(0));
    }

    [TestMethod]
    public void PastingCopiesAPictureAtItsCornerAndRefusesOneThatDoesNotFit()
    {
        var canvas = new RgbImage(4, 3, Rgb.White);
        var patch = new RgbImage(2, 2, Rgb.Gray(9));
        canvas.Paste(patch, 1, 1);
        Assert.AreEqual(Rgb.White, canvas[0, 0]);
        Assert.AreEqual(Rgb.Gray(9), canvas[1, 1]);
        Assert.AreEqual(Rgb.Gray(9), canvas[2, 2]);
        Assert.AreEqual(Rgb.White, canvas[3, 2]);
        Assert.AreEqual(3 * 4 * 3, canvas.Bytes.Length);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => canvas.Paste(patch, 3, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = canvas[4, 0]);
    }

    [TestMethod]
    public void AFrameIsDrawnOnTheInsideOfItsRectangle()
    {
        var image = new RgbImage(12, 12);
        image.DrawFrame(2, 2, 10, 10, Rgb.Red, thickness: 2);
        foreach (var (x, y) in new[] { (2, 2), (3, 3), (9, 9), (8, 5), (5, 2) }) Assert.AreEqual(Rgb.Red, image[x, y], $"({x}, {y})");
        foreach (var (x, y) in new[] { (1, 1), (4, 4), (7, 7), (10, 10), (5, 5) }) Assert.AreEqual(Rgb.Black, image[x, y], $"({x}, {y})");
    }

    [TestMethod]
    public void TheGridLayoutPutsGapsBetweenAndAroundCellsAndCaptionsUnderThem()
    {
        // 5 cells of 10×8 in 3 columns: 2 rows; gap 2, captions 16, left margin 30.
        var layout = new GridLayout(5, 3, 10, 8, 2, CaptionHeight: 16, LeftMargin: 30);
        Assert.AreEqual(2, layout.Rows);
        Assert.AreEqual(30 + 3 * 10 + 4 * 2, layout.Width);
        Assert.AreEqual(2 * (8 + 16) + 3 * 2, layout.Height);
        Assert.AreEqual((32, 2), layout.Cell(0));
        Assert.AreEqual((32 + 2 * 12, 2), layout.Cell(2));
        Assert.AreEqual((32 + 12, 2 + 8 + 16 + 2), layout.Cell(4));
        Assert.AreEqual(3, GridLayout.SquareColumns(5));
        Assert.AreEqual(4, GridLayout.SquareColumns(16));
        Assert.AreEqual(16, GridLayout.Zoom(3, 48));
        Assert.AreEqual(6, GridLayout.Zoom(7, 48));
        Assert.AreEqual(1, GridLayout.Zoom(224, 96), "never shrunk");
    }

    [TestMethod]
    public void APngRoundTripsThePixelsExactly()
    {
        var image = new RgbImage(5, 3);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++)
                image[x, y] = new Rgb((byte)(40 * x), (byte)(80 * y), (byte)(7 * x + y));
        var path = Path.Combine(Path.GetTempPath(), $"vis-{Guid.NewGuid():N}.png");
        try
        {
            image.SavePng(path);
            var loaded = RgbImage.Load(path);
            CollectionAssert.AreEqual(image.Bytes.ToArray(), loaded.Bytes.ToArray());
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void LoadingNamesAMissingOrUndecodableFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"vis-{Guid.NewGuid():N}.png");
        Assert.ThrowsExactly<FileNotFoundException>(() => RgbImage.Load(missing));
        File.WriteAllText(missing, "not an image");
        try
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() => RgbImage.Load(missing));
            StringAssert.Contains(error.Message, missing);
        }
        finally { File.Delete(missing); }
    }
}
