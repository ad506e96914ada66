using System.Globalization;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class EvaluateCommandTests
{
    [TestMethod]
    public void EvaluateGivesTheMetricsOfEveryImage()
    {
        var rows = TrainedRows.Instance;
        string output = ToolRun.Of("evaluate", "--model", rows.ModelFolder, "--images", rows.Images).Succeeded();
        StringAssert.Contains(output, "90 images of 3 labels.");
        StringAssert.Contains(output, "## Metrics of model.zip");
        double micro = Metric(output, "micro accuracy"), macro = Metric(output, "macro accuracy");
        Assert.IsGreaterThan(0.8, micro, output);
        Assert.IsGreaterThan(0.8, macro, output);
        Assert.IsGreaterThan(0.0, Metric(output, "log-loss"), output);
        // each label's row of the per-class table counts its 30 images
        foreach (string label in TrainedRows.Labels)
            Assert.IsTrue(output.Split('\n').Any(l => l.StartsWith($"| {label} |") && l.TrimEnd().EndsWith($"| {TrainedRows.PerClass} |")), output);
    }

    [TestMethod]
    public void EvaluateRefusesLabelsTheModelDoesNotKnow()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("unknown-labels");
        foreach (string label in new[] { "top", "left" })
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            File.Copy(rows.ImagesOf("top")[0], Path.Combine(folder, label, "image.png"));
        }
        ToolRun.Of("evaluate", "--model", rows.ModelFolder, "--images", folder)
            .FailedWith(ExitCodes.BadInput, folder, "labels the model", "left", "bottom, middle, top");
    }

    private static double Metric(string output, string name)
    {
        string line = output.Split('\n').Single(l => l.StartsWith($"- {name}: ", StringComparison.Ordinal));
        return double.Parse(line[$"- {name}: ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
