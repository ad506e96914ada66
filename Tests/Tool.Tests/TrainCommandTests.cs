namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class TrainCommandTests
{
    [TestMethod]
    public void TrainWritesTheModelsTheReportAndTheConsumptionProject()
    {
        var rows = TrainedRows.Instance;
        string output = rows.Training.Output;
        foreach (string file in new[] { "model.zip", "model.cnn", "model.onnx", "report.md", "Rows.Consumption/Rows.Consumption.csproj",
                     "Rows.Consumption/ModelInput.cs", "Rows.Consumption/ModelOutput.cs", "Rows.Consumption/RowsModel.cs", "Rows.Consumption/Program.cs" })
            Assert.IsTrue(File.Exists(Path.Combine(rows.ModelFolder, file)), $"{file} was written\n{output}");

        // the folder's summary, then one progress line per epoch, in order, then the metrics
        StringAssert.Contains(output, $"90 images of 3 labels");
        var epochs = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).ToList();
        Assert.HasCount(TrainedRows.Epochs, epochs, output);
        for (int e = 0; e < epochs.Count; e++) Assert.StartsWith($"epoch {e + 1}/{TrainedRows.Epochs} ", epochs[e]);
        Assert.IsTrue(epochs.All(l => l.Contains(" loss ") && l.Contains(" acc ") && l.Contains(" img/s") && l.Contains(" left ")), string.Join('\n', epochs));
        StringAssert.Contains(output, "micro accuracy");

        string report = File.ReadAllText(Path.Combine(rows.ModelFolder, "report.md"));
        foreach (string section in new[] { "## Data", "## Training", "## Validation metrics", "Confusion matrix", "## Files",
                     "micro accuracy", "macro accuracy", "log-loss", "images/s", "No file was skipped." })
            StringAssert.Contains(report, section);
        foreach (string label in TrainedRows.Labels)
        {
            StringAssert.Contains(report, $"| {label} | {TrainedRows.PerClass} | 24 | 6 |", "the data table: each label's images, split 80/20");
            Assert.IsTrue(report.Split('\n').Any(l => l.StartsWith($"| {label} | ") && l.Split('|').Length == 3 + 3), $"a confusion-matrix row for {label}\n{report}");
        }
        StringAssert.Contains(report, "## Pictures");
        foreach (string picture in new[] { "training-curves.png", "confusion-matrix.png" })
        {
            StringAssert.Contains(report, $"]({picture})", "the report shows it");
            using var bitmap = SkiaSharp.SKBitmap.Decode(Path.Combine(rows.ModelFolder, picture));
            Assert.IsNotNull(bitmap, $"{picture} decodes");
        }
    }

    [TestMethod]
    public void TheReportListsSkippedFilesAndTheMetricsAddUp()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("with-junk");
        RowImages.Write(folder, perClass: 10, seed: 5);
        File.WriteAllText(Path.Combine(folder, "top", "notes.jpg"), "not an image");
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "at the top level");
        string model = rows.NewFolder("junk-model");
        ToolRun.Of("train", "--images", folder, "--out", model, "--size", "16", "--epochs", "1", "--model", "small-vgg", "--channels", "1", "--name", "Junk").Succeeded();

        string report = File.ReadAllText(Path.Combine(model, "report.md"));
        StringAssert.Contains(report, "Skipped 2 files:");
        StringAssert.Contains(report, "notes.jpg`: NotAnImageContent");
        StringAssert.Contains(report, "readme.txt`: NotInLabelFolder");
        StringAssert.Contains(report, "- network: small-vgg, input [1, 16, 16]");
        // the confusion matrix counts every validation image once: 2 per label (10 × 0.2)
        var matrix = report[report.IndexOf("| true \\ predicted", StringComparison.Ordinal)..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'));
        Assert.AreEqual(6, matrix.Sum(l => l.Split('|', StringSplitOptions.TrimEntries).Skip(2).Where(c => c.Length > 0).Sum(int.Parse)));
        Assert.IsTrue(File.Exists(Path.Combine(model, "Junk.Consumption", "JunkModel.cs")), "--name names the consumption project");
    }
}
