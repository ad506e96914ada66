using System.Text.Json;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class PredictCommandTests
{
    [TestMethod]
    public void PredictAFolderGivesKnownLabelsBetterThanChance()
    {
        var rows = TrainedRows.Instance;
        string csv = ToolRun.Of("predict", rows.Images, "--model", rows.ModelFolder, "--top", "2", "--format", "csv").Succeeded();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.AreEqual("file,rank,label,probability", lines[0]);
        var records = lines[1..].Select(l => l.Split(',')).ToList();
        Assert.HasCount(2 * 3 * TrainedRows.PerClass, records, "two ranks for each of the 90 images");
        CollectionAssert.IsSubsetOf(records.Select(r => r[2]).Distinct().ToList(), TrainedRows.Labels.ToList());
        foreach (var image in records.GroupBy(r => r[0]))
        {
            var probabilities = image.Select(r => float.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            CollectionAssert.AreEqual(new[] { "1", "2" }, image.Select(r => r[1]).ToArray());
            Assert.IsGreaterThanOrEqualTo(probabilities[1], probabilities[0], "most probable first");
        }
        // the label folder is the truth: chance is 1/3
        var top = records.Where(r => r[1] == "1").ToList();
        double accuracy = top.Count(r => Path.GetFileName(Path.GetDirectoryName(r[0])) == r[2]) / (double)top.Count;
        Assert.IsGreaterThan(0.8, accuracy, csv);
    }

    [TestMethod]
    public void PredictAFileAsATableAndAsJson()
    {
        var rows = TrainedRows.Instance;
        string image = rows.ImagesOf("top")[0];
        string table = ToolRun.Of("predict", image, "--model", Path.Combine(rows.ModelFolder, "model.zip")).Succeeded();
        var cells = table.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(image, cells[0]);
        StringAssert.StartsWith(cells[1], "top ");

        string json = ToolRun.Of("predict", image, "--model", rows.ModelFolder, "--top", "5", "--format", "json").Succeeded();
        var predictions = JsonDocument.Parse(json).RootElement;
        Assert.AreEqual(1, predictions.GetArrayLength());
        Assert.AreEqual(image, predictions[0].GetProperty("file").GetString());
        var labels = predictions[0].GetProperty("labels").EnumerateArray().ToList();
        Assert.HasCount(3, labels, "--top 5 of 3 classes gives all 3");
        Assert.AreEqual("top", labels[0].GetProperty("label").GetString());
        Assert.AreEqual(1.0, labels.Sum(l => l.GetProperty("probability").GetDouble()), 1e-4, "the probabilities of all classes sum to 1");
    }
}
