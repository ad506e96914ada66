using MLNet.Cnn.Tool.Consumption;
using MLNet.Cnn.Tool.Reports;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class CliTests
{
    [TestMethod]
    public void HelpListsTheCommandsInWorkflowOrderAndEachCommandHasHelp()
    {
        string help = ToolRun.Of("--help").Succeeded();
        string[] commands = ["train", "evaluate", "predict", "export", "summary"];
        var positions = commands.Select(c => help.IndexOf($"\n  {c} ", StringComparison.Ordinal)).ToList();
        Assert.IsTrue(positions.All(p => p > 0), help);
        CollectionAssert.AreEqual(positions.Order().ToList(), positions, "train, evaluate, predict, export, summary");
        foreach (string command in commands)
            StringAssert.Contains(ToolRun.Of(command, "--help").Succeeded(), $" {command} ");   // the usage line (the host's name first: testhost here)
        StringAssert.Contains(ToolRun.Of("train", "--help").Succeeded(), "[default: resnet-small]");
    }

    [TestMethod]
    public void TheProjectNameComesFromTheImageFolder()
    {
        Assert.AreEqual("ShapesFolder", ConsumptionProject.NameFrom("/data/shapes-folder/"));
        Assert.AreEqual("MyPhotos2024", ConsumptionProject.NameFrom("my photos_2024"));
        Assert.AreEqual("Images2024Cats", ConsumptionProject.NameFrom("2024-cats"));
        Assert.AreEqual("Image", ConsumptionProject.NameFrom("---"));
    }

    [TestMethod]
    public void TheReportShowsItsPictures()
    {
        var text = new StringWriter();
        var report = new ReportWriter(text);
        report.Pictures([]);
        Assert.AreEqual("", text.ToString(), "no pictures, no section");
        report.Pictures([new ReportPicture("Training curves", "training curves.png"), new ReportPicture("Confusion matrix", "confusion-matrix.png")]);
        StringAssert.Contains(text.ToString(), "## Pictures");
        StringAssert.Contains(text.ToString(), "![Training curves](training%20curves.png)");
        StringAssert.Contains(text.ToString(), "![Confusion matrix](confusion-matrix.png)");
    }
}
