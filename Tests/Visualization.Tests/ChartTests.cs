using MLNet.Cnn.Training;

namespace MLNet.Cnn.Visualization.Tests;

/// <summary>The ScottPlot charts: the numbers they draw, their PNG sizes, and bad input.</summary>
[TestClass]
public sealed class ChartTests
{
    private static EpochResult Epoch(int epoch, double loss, double? accuracy, double? validationLoss, double? validationAccuracy) =>
        new(epoch, loss, accuracy, null, validationLoss, validationAccuracy, null, 1000, TimeSpan.FromSeconds(1));

    [TestMethod]
    public void TrainingCurvesDrawTheLinesThatHaveValues()
    {
        var classification = new[] { Epoch(1, 0.9, 0.7, 0.8, 0.75), Epoch(2, 0.5, 0.85, 0.6, 0.8) };
        var series = TrainingCurves.Series(classification);
        CollectionAssert.AreEqual(new[] { "training loss", "validation loss", "training accuracy", "validation accuracy" }, series.Select(s => s.Title).ToArray());
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, series[1].Epochs);
        CollectionAssert.AreEqual(new[] { 0.75, 0.8 }, series[3].Values);
        Assert.IsTrue(series[2].IsAccuracy && !series[0].IsAccuracy);
        // Detection without validation: the training loss alone.
        var detection = new[] { Epoch(1, 3.0, null, null, null) };
        CollectionAssert.AreEqual(new[] { "training loss" }, TrainingCurves.Series(detection).Select(s => s.Title).ToArray());
        Assert.AreEqual((800, 450), Png.Written(path => TrainingCurves.Save(classification, path)));
        Assert.AreEqual((640, 360), Png.Written(path => TrainingCurves.Save(detection, path, width: 640, height: 360)));
    }

    [TestMethod]
    public void TrainingCurvesRefuseAnEmptyHistoryAndANaNLoss()
    {
        Assert.ThrowsExactly<ArgumentException>(() => TrainingCurves.Save([], "curves.png"));
        var error = Assert.ThrowsExactly<ArgumentException>(() => TrainingCurves.Save([Epoch(1, 1, null, double.NaN, null)], "curves.png"));
        StringAssert.Contains(error.Message, "epoch 1");
    }

    [TestMethod]
    public void AConfusionMatrixIsNormalizedPerTrueClass()
    {
        double[][] counts = [[3, 1, 0], [0, 0, 0], [2, 2, 4]];
        var cells = ConfusionMatrixChart.Cells(counts, ["a", "b", "c"], normalize: true);
        CollectionAssert.AreEqual(new[] { 0.75, 0.25, 0, 0, 0, 0, 0.25, 0.25, 0.5 }, cells.Cast<double>().ToArray());
        Assert.AreEqual(4.0, ConfusionMatrixChart.Cells(counts, ["a", "b", "c"], normalize: false)[2, 2]);
        Assert.AreEqual((900, 800), Png.Written(path => ConfusionMatrixChart.Save(counts, ["a", "b", "c"], path)));
        Assert.AreEqual((500, 400), Png.Written(path => ConfusionMatrixChart.Save(counts, ["a", "b", "c"], path, normalize: true, width: 500, height: 400)));
    }

    [TestMethod]
    public void AConfusionMatrixRefusesMismatchedSizesAndBadCounts()
    {
        string[] names = ["a", "b"];
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ConfusionMatrixChart.Cells([[1, 2], [3]], names, false)).Message, "counts[1] has 1 values");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ConfusionMatrixChart.Cells([[1, 2], [3, 4]], ["a"], false)).Message, "1 class names");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ConfusionMatrixChart.Cells([[1, double.NaN], [3, 4]], names, false)).Message, "counts[0][1]");
        Assert.ThrowsExactly<ArgumentException>(() => ConfusionMatrixChart.Cells([[1, -2], [3, 4]], names, false));
        Assert.ThrowsExactly<ArgumentException>(() => ConfusionMatrixChart.Cells([], [], false));
    }

    [TestMethod]
    public void TheLossCurveDrawsLog10OfThePositiveLossesAndAllowsNoPoints()
    {
        (double, double)[] points = [(32, 10), (64, 1), (96, 0), (128, 0.1)];
        var (images, logLoss) = LossCurve.LogPoints(points);
        CollectionAssert.AreEqual(new[] { 32.0, 64, 128 }, images);
        CollectionAssert.AreEqual(new[] { 1.0, 0, -1 }, logLoss.Select(v => Math.Round(v, 12)).ToArray());
        Assert.AreEqual((800, 450), Png.Written(path => LossCurve.Save(points, "loss", path)));
        Assert.AreEqual((800, 450), Png.Written(path => LossCurve.Save([], "a run shorter than one report", path)));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => LossCurve.LogPoints([(1, double.NaN)])).Message, "points[0].Loss");
    }

    [TestMethod]
    public void PrecisionRecallAveragesTheClassesThatHaveACurve()
    {
        double[] recall = [0, 1];
        IReadOnlyList<double>?[] curves = [[1, 0.5], null, [0.5, 0.5]];
        CollectionAssert.AreEqual(new[] { 0.75, 0.5 }, PrecisionRecallChart.Mean(recall, curves, ["a", "b", "c"]));
        Assert.IsNull(PrecisionRecallChart.Mean(recall, [null], ["a"]));
        Assert.AreEqual((900, 550), Png.Written(path => PrecisionRecallChart.Save(recall, curves, ["a", "b", "c"], "PR", path)));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => PrecisionRecallChart.Mean(recall, [[1, 0.5, 0]], ["a"])).Message, "3 precisions for 2 recall levels");
        Assert.ThrowsExactly<ArgumentException>(() => PrecisionRecallChart.Mean(recall, curves, ["a", "b"]));
    }
}
