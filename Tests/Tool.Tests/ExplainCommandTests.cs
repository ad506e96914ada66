using MLNet.Cnn.Explain;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tool.Data;
using SkiaSharp;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class ExplainCommandTests
{
    [TestMethod]
    public void ExplainWritesTheImageBesideItsHeatMapAndLooksAtTheBrightRow()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("explain");
        string top = rows.ImagesOf("top")[0];
        string output = ToolRun.Of("explain", "--model", rows.ModelFolder, top, "--out", folder).Succeeded();
        StringAssert.Contains(output, "top (p = ");
        string png = Path.Combine(folder, Path.GetFileNameWithoutExtension(top) + ".grad-cam.png");
        using (var bitmap = SKBitmap.Decode(png))
            Assert.AreEqual((2 * 224 + 3 * 4, 224 + 2 * 4), (bitmap.Width, bitmap.Height), "32×32 shown 7 times larger, twice, 4 pixels apart");

        // Where the heat is: the map's rows weighted by their heat lie near the bright row of each label (rows 4, 15, 26 of 32).
        var model = ModelFile.Load(Path.Combine(rows.ModelFolder, "model.cnn"));
        foreach (var (label, row) in RowImages.Classes)
        {
            var image = ModelInputImages.Load([rows.ImagesOf(label)[0]], model).Reshape(model.InputShape.Dimensions.ToArray());
            var heat = GradCam.Compute(model, image).Heatmap.Span.ToArray();
            double centre = Enumerable.Range(0, heat.Length).Sum(i => heat[i] * (i / 32 + 0.5)) / Enumerable.Range(0, heat.Length).Sum(i => heat[i]);
            Assert.AreEqual(row + 0.5, centre, 8, $"{label}: the heat is centred on row {centre:F1}");
        }
    }

    [TestMethod]
    public void ExplainTakesAFolderAClassAndALayer()
    {
        var rows = TrainedRows.Instance;
        string images = rows.NewFolder("to-explain"), folder = rows.NewFolder("explained");
        foreach (string file in rows.ImagesOf("middle").Take(3)) File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var model = ModelFile.Load(Path.Combine(rows.ModelFolder, "model.cnn"));
        string layer = GradCam.Layers(model)[0].Path;
        string output = ToolRun.Of("explain", "-m", rows.ModelFolder, images, "--class", "bottom", "--layer", layer, "-o", folder).Succeeded();
        Assert.HasCount(3, Directory.GetFiles(folder, "*.grad-cam.png"));
        Assert.AreEqual(3, output.Split('\n').Count(l => l.Contains($": bottom (p = ") && l.Contains($" at {layer} → ")), output);
    }

    [TestMethod]
    public void ExplainRefusesAnUnknownClassOrLayerAndAFileThatIsNoImage()
    {
        var rows = TrainedRows.Instance;
        string top = rows.ImagesOf("top")[0], folder = rows.NewFolder("explain-errors");
        ToolRun.Of("explain", "--model", rows.ModelFolder, top, "--class", "left", "-o", folder)
            .FailedWith(ExitCodes.BadInput, "no class 'left'", "bottom, middle, top");
        ToolRun.Of("explain", "--model", rows.ModelFolder, top, "--layer", "no-such-layer", "-o", folder)
            .FailedWith(ExitCodes.BadInput, "--layer no-such-layer", "no layer 'no-such-layer'");
        string text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not an image");
        ToolRun.Of("explain", "--model", rows.ModelFolder, text).FailedWith(ExitCodes.BadInput, "notes.png", "is not an image that decodes");
        ToolRun.Of("explain", "--model", rows.ModelFolder).FailedWith(ExitCodes.Usage);
    }
}
