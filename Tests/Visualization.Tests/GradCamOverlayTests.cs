using MLNet.Cnn.Explain;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization.Tests;

[TestClass]
public sealed class GradCamOverlayTests
{
    [TestMethod]
    public void TheHeatMapIsResizedBilinearlyWithHalfPixelCentres()
    {
        // 2×2 → 4×4: output row/column i samples source (i + 0.5) / 2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[,] heat = { { 0, 1 }, { 1, 0 } };
        var resized = HeatMap.Resize(heat, 4, 4);
        Assert.AreEqual(0f, resized[0, 0]);
        // (0.25, 0.25): 0.75·0.75·0 + 0.75·0.25·1 + 0.25·0.75·1 + 0.25·0.25·0
        Assert.AreEqual(0.375f, resized[1, 1], 1e-6f);
        // row 0.25, column 0.75: top row 0.25·0 + 0.75·1, bottom row 0.25·1 + 0.75·0, then 0.75·0.75 + 0.25·0.25
        Assert.AreEqual(0.625f, resized[1, 2], 1e-6f);
        Assert.AreEqual(1f, resized[0, 3]);
        // 1×2 → 1×4: columns at 0, 0.25, 0.75, 1.
        float[,] ramp = { { 0, 1 } };
        var wide = HeatMap.Resize(ramp, 1, 4);
        CollectionAssert.AreEqual(new[] { 0f, 0.25f, 0.75f, 1f }, new[] { wide[0, 0], wide[0, 1], wide[0, 2], wide[0, 3] });
    }

    [TestMethod]
    public void TheColormapsEndsAndMiddleAreTheirDocumentedColors()
    {
        Assert.AreEqual(new Rgb(0, 0, 128), Colormap.Jet.Color(0));
        Assert.AreEqual(new Rgb(128, 255, 128), Colormap.Jet.Color(0.5));
        Assert.AreEqual(new Rgb(128, 0, 0), Colormap.Jet.Color(1));
        Assert.AreEqual(new Rgb(255, 255, 0), Colormap.Jet.Color(0.625), "yellow: 1.5 − |2.5 − 3| = 1, 1.5 − 0.5, 1.5 − 1.5");
        Assert.AreEqual(new Rgb(35, 23, 27), Colormap.Turbo.Color(0));
        Assert.AreEqual(new Rgb(144, 13, 0), Colormap.Turbo.Color(1));
        Assert.AreEqual(Colormap.Jet.Color(0), Colormap.Jet.Color(-3), "clamped");
        Assert.ThrowsExactly<ArgumentException>(() => Colormap.Turbo.Color(double.NaN));
    }

    [TestMethod]
    public void EachPixelIsTheAlphaBlendOfTheImageAndTheHeatColor()
    {
        var image = new RgbImage(2, 1, Rgb.Gray(100));
        image[1, 0] = new Rgb(255, 0, 10);
        float[,] heat = { { 0, 1 } };
        var blended = GradCamOverlay.Blend(image, heat, Colormap.Jet, alpha: 0.5);
        Assert.AreEqual(new Rgb(50, 50, 114), blended[0, 0], "(100, 100, 100) and (0, 0, 128)");
        Assert.AreEqual(new Rgb(192, 0, 5), blended[1, 0], "(255, 0, 10) and (128, 0, 0): 191.5 rounds up");
        Assert.AreEqual(image[1, 0], GradCamOverlay.Blend(image, heat, Colormap.Turbo, alpha: 0)[1, 0]);
    }

    [TestMethod]
    public void ASmallImageIsEnlargedAndCanStandBesideItsOverlay()
    {
        var image = Tensor.FromArray(Enumerable.Range(0, 28 * 28).Select(i => i / 784f).ToArray(), 1, 28, 28);
        var heat = new float[7, 7];
        heat[3, 3] = 1;
        var overlay = GradCamOverlay.Render(image, heat);
        Assert.AreEqual((224, 224), (overlay.Width, overlay.Height), "28 × 8");
        var pair = GradCamOverlay.Render(image, heat, new GradCamOptions { SideBySide = true, Colormap = Colormap.Turbo });
        Assert.AreEqual((2 * 224 + 3 * 4, 224 + 2 * 4), (pair.Width, pair.Height));
        Assert.AreEqual(RgbImage.FromTensor(image)[27, 27], pair[4 + 223, 4 + 223], "the image on the left, as it is");
        Assert.AreEqual((pair.Width, pair.Height), Png.Size(pair.EncodePng()));
    }

    [TestMethod]
    public void AnImageFileIsDecodedAndOverlaidAtItsOwnSize()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vis-{Guid.NewGuid():N}.png");
        try
        {
            new RgbImage(40, 30, new Rgb(0, 200, 0)).SavePng(path);
            var overlay = GradCamOverlay.Render(path, new float[3, 4], new GradCamOptions { Alpha = 0, TargetSize = 40 });
            Assert.AreEqual((40, 30), (overlay.Width, overlay.Height), "40 pixels towards 40: not enlarged");
            Assert.AreEqual(new Rgb(0, 200, 0), overlay[39, 29], "α = 0: the file's own pixels");
            var heatOnly = GradCamOverlay.Render(path, new float[3, 4], new GradCamOptions { Alpha = 1 });
            Assert.AreEqual((200, 150), (heatOnly.Width, heatOnly.Height), "40 pixels towards 224: ×5");
            Assert.AreEqual(Colormap.Jet.Color(0), heatOnly[199, 149], "α = 1: the heat color only");
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void BadHeatMapsAndOptionsAreRefusedNamingThePosition()
    {
        var image = new RgbImage(4, 4);
        float[,] nan = { { 0, float.NaN } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GradCamOverlay.Render(image, nan)).Message, "heat[0, 1]");
        float[,] hot = { { 1.5f } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GradCamOverlay.Render(image, hot)).Message, "[0, 1]");
        Assert.ThrowsExactly<ArgumentException>(() => GradCamOverlay.Render(image, new float[0, 3]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GradCamOverlay.Render(image, new float[1, 1], new GradCamOptions { Alpha = 2 }));
        Assert.ThrowsExactly<FileNotFoundException>(() => GradCamOverlay.Render("/no/such/image.png", new float[1, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => GradCamOverlay.Render(new Tensor(4, 8, 8), new float[1, 1]));
    }

    [TestMethod]
    public void AGradCamResultIsDrawnFromItsMapDividedByItsMaximum()
    {
        var map = Tensor.FromArray([0f, 2f, 4f, 0f], 2, 2);
        var explanation = new GradCamResult("layer4", 1, "b", 3f, 0.9f, [1f], map, new Tensor(1, 28, 28));
        CollectionAssert.AreEqual(new[] { 0f, 0.5f, 1f, 0f }, HeatMap.Normalized(map).Cast<float>().ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0f }, HeatMap.Normalized(new Tensor(1, 2)).Cast<float>().ToArray(), "zeros stay zeros");
        Assert.ThrowsExactly<ArgumentException>(() => HeatMap.Normalized(Tensor.FromArray([1f, float.NaN], 1, 2)));
        Assert.ThrowsExactly<ArgumentException>(() => HeatMap.Normalized(new Tensor(2, 2, 2)));

        var image = new Tensor(3, 28, 28);
        var drawn = GradCamOverlay.Render(image, explanation, new GradCamOptions { TargetSize = 28 });
        var expected = GradCamOverlay.Render(image, new float[,] { { 0, 0.5f }, { 1, 0 } }, new GradCamOptions { TargetSize = 28 });
        CollectionAssert.AreEqual(expected.Bytes.ToArray(), drawn.Bytes.ToArray());
    }

    [TestMethod]
    public void PicturesGoInAGridOfCellsOfTheLargestSize()
    {
        var grid = RgbImage.Grid([new RgbImage(10, 6, Rgb.Red), new RgbImage(4, 8, Rgb.Black), new RgbImage(2, 2, Rgb.Red)], columns: 2, gap: 3);
        Assert.AreEqual((3 + 10 + 3 + 10 + 3, 3 + 8 + 3 + 8 + 3), (grid.Width, grid.Height), "2 × 2 cells of 10 × 8");
        Assert.AreEqual(Rgb.Red, grid[3, 4], "the first picture centred in its cell: rows 4 … 9");
        Assert.AreEqual(Rgb.White, grid[3, 3]);
        Assert.ThrowsExactly<ArgumentException>(() => RgbImage.Grid([], columns: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RgbImage.Grid([grid], columns: 0));
    }
}
