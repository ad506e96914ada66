namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class TrainCommandTests
{
    [TestMethod]
    public void TrainWritesTheModelsTheReportAndTheConsumptionProject()
    {
        var shapes = TrainedShapes.Instance;
        string output = shapes.Training.Succeeded();
        foreach (string file in new[] { "model.zip", "model.cnn", "model.onnx", "report.md", "Shapes.Consumption/Shapes.Consumption.csproj",
                     "Shapes.Consumption/ModelInput.cs", "Shapes.Consumption/ModelOutput.cs", "Shapes.Consumption/ShapesModel.cs", "Shapes.Consumption/Program.cs" })
            Assert.IsTrue(File.Exists(Path.Combine(shapes.ModelFolder, file)), $"{file} was written\n{output}");

        // one progress line per epoch, in order, then the metrics
        var epochs = output.Split('\n').Where(l => l.TrimStart().StartsWith("epoch ", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(epochs, output);
        for (int e = 0; e < epochs.Count; e++) Assert.StartsWith($"epoch {e + 1}/{TrainedShapes.Epochs} ", epochs[e].TrimStart());
        Assert.IsTrue(epochs.All(l => l.Contains(" loss ") && l.Contains(" acc ") && l.Contains(" img/s") && l.Contains(" left ")), string.Join('\n', epochs));
        StringAssert.Contains(output, "micro accuracy");

        string report = File.ReadAllText(Path.Combine(shapes.ModelFolder, "report.md"));
        foreach (string section in new[] { "## Data", "## Training", "## Validation metrics", "Confusion matrix", "## Files", "micro accuracy", "macro accuracy", "log-loss", "images/s" })
            StringAssert.Contains(report, section);
        foreach (string label in TrainedShapes.Labels)
            StringAssert.Contains(report, $"| {label} | {TrainedShapes.PerShape} |", "the data table has each label's image count");
        Assert.DoesNotContain("## Pictures", report, "no pictures yet: the section appears only with pictures");
    }
}
