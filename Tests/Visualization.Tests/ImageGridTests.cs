using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization.Tests;

[TestClass]
public sealed class ImageGridTests
{
    [TestMethod]
    public void AnImageTensorBecomesBytesOfRound255TimesItsValuesClamped()
    {
        var gray = RgbImage.FromTensor(Tensor.FromArray([0, 0.5f, 1, 1.5f], 1, 2, 2));
        Assert.AreEqual(Rgb.Gray(128), gray[1, 0]);
        Assert.AreEqual(Rgb.Gray(255), gray[1, 1], "1.5 is clamped");
        var rgb = RgbImage.FromTensor(Tensor.FromArray([0.2f, 0.4f, 1], 1, 3, 1, 1));
        Assert.AreEqual(new Rgb(51, 102, 255), rgb[0, 0]);
    }

    [TestMethod]
    public void ImagesOfDifferentSizesShareOneZoomAndAreCentredInTheirCells()
    {
        // Five black 28×28 images and one 32×32: ×3 (96 / 32), cells of 96, 3 columns, 2 rows, 4-pixel gaps, captions.
        var images = Enumerable.Range(0, 5).Select(i => new GridImage(new Tensor(1, 28, 28), $"#{i}"))
            .Append(new GridImage(new Tensor(3, 32, 32))).ToList();
        var grid = ImageGrid.Render(images);
        Assert.AreEqual((3 * 96 + 4 * 4, 2 * (96 + 16) + 3 * 4), (grid.Width, grid.Height));
        // The 84-pixel image 0 starts 6 pixels into its cell at (4, 4).
        Assert.AreEqual(Rgb.White, grid[4 + 5, 4 + 5]);
        Assert.AreEqual(Rgb.Black, grid[4 + 6, 4 + 6]);
        Assert.AreEqual(Rgb.Black, grid[4 + 89, 4 + 89]);
        Assert.AreEqual(Rgb.White, grid[4 + 90, 4 + 50]);
        Assert.AreEqual((grid.Width, grid.Height), Png.Size(grid.EncodePng()));
    }

    [TestMethod]
    public void ABoxIsAFrameAroundItsEnlargedPixels()
    {
        var tile = new RgbImage(16, 16);
        ImageGrid.DrawBox(tile, new Box(1, 1, 5, 5), zoom: 2, Rgb.Red, "box"); // columns and rows 2 … 9
        foreach (var (x, y) in new[] { (2, 2), (3, 3), (8, 8), (9, 9), (5, 2) }) Assert.AreEqual(Rgb.Red, tile[x, y], $"({x}, {y})");
        foreach (var (x, y) in new[] { (1, 1), (4, 4), (7, 7), (10, 10) }) Assert.AreEqual(Rgb.Black, tile[x, y], $"({x}, {y})");
        var fractional = new RgbImage(8, 8);
        ImageGrid.DrawBox(fractional, new Box(0.5f, 0.5f, 2.2f, 30), zoom: 2, Rgb.Red, "box"); // columns 1 … 4, rows 1 … clipped
        Assert.AreEqual(Rgb.Red, fractional[1, 1]);
        Assert.AreEqual(Rgb.Red, fractional[4, 7]);
        Assert.AreEqual(Rgb.Black, fractional[5, 5]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            ImageGrid.DrawBox(tile, new Box(3, 1, 2, 5), 1, Rgb.Red, "images[0].Box")).Message, "images[0].Box");
    }

    [TestMethod]
    public void RowTitlesTakeALeftMarginAndMustMatchTheRows()
    {
        var images = Enumerable.Range(0, 6).Select(_ => new GridImage(new Tensor(1, 8, 8), Box: new Box(1, 1, 4, 4))).ToList();
        var grid = ImageGrid.Render(images, new ImageGridOptions { RowTitles = ["flip", "crop"], TargetSize = 8 });
        Assert.AreEqual(2 * 8 + 3 * 4, grid.Height, "2 rows of 3, no captions");
        Assert.IsGreaterThan(3 * 8 + 4 * 4, grid.Width, "a margin for the titles");
        Assert.AreEqual(Rgb.Red, grid[grid.Width - 4 - 8 + 1, 4 + 1], "the last image's box");
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            ImageGrid.Render(images, new ImageGridOptions { RowTitles = ["a", "b", "c"], Columns = 3 }));
        StringAssert.Contains(error.Message, "3 row titles for 6 images");
    }

    [TestMethod]
    public void BadImagesAreRefusedNamingWhichOne()
    {
        Assert.ThrowsExactly<ArgumentException>(() => ImageGrid.Render([]));
        var twoChannels = Assert.ThrowsExactly<ArgumentException>(() => ImageGrid.Render([new GridImage(new Tensor(1, 4, 4)), new GridImage(new Tensor(2, 4, 4))]));
        StringAssert.Contains(twoChannels.Message, "images[1].Image has 2 channels");
        var nan = Tensor.FromArray([0, float.NaN, 0, 0], 1, 2, 2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ImageGrid.Render([new GridImage(nan)])).Message, "NaN");
        Assert.ThrowsExactly<ArgumentException>(() => RgbImage.FromTensor(new Tensor(2, 1, 4, 4)));
    }
}
