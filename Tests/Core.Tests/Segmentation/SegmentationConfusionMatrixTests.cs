using MLNet.Cnn.Segmentation;

namespace MLNet.Cnn.Tests.Segmentation;

[TestClass]
public sealed class SegmentationConfusionMatrixTests
{
    private const double Tolerance = 1e-12;

    private static SegmentationMetrics Metrics(int classCount, int[] truth, int[] predicted)
    {
        var matrix = new SegmentationConfusionMatrix(classCount);
        matrix.Add(truth, predicted);
        return matrix.ComputeMetrics();
    }

    [TestMethod]
    public void HandComputedMetricsSkipTheIgnoreLabel()
    {
        // the 255 pixel is skipped whatever its prediction; counts [truth, predicted]: (0,0)=1 (0,1)=1 (1,1)=2 (2,2)=1
        var matrix = new SegmentationConfusionMatrix(3);
        matrix.Add([0, 0, 1, 1, 255, 2], [0, 1, 1, 1, 0, 2]);
        Assert.AreEqual(5, matrix.PixelCount);
        Assert.AreEqual(1, matrix[0, 1]);
        Assert.AreEqual(1, matrix[0, 0]);
        Assert.AreEqual(0, matrix[1, 0]);
        var m = matrix.ComputeMetrics();
        Assert.AreEqual(0.8, m.PixelAccuracy, Tolerance);
        AssertValues([1 / 2.0, 2 / 3.0, 1], m.PerClassIoU);        // TP / (TP + FP + FN)
        Assert.AreEqual((1 / 2.0 + 2 / 3.0 + 1) / 3, m.MeanIoU, Tolerance);
        AssertValues([2 / 3.0, 4 / 5.0, 1], m.PerClassDice);        // 2TP / (2TP + FP + FN)
        Assert.AreEqual((2 / 3.0 + 4 / 5.0 + 1) / 3, m.MeanDice, Tolerance);
        AssertValues([1 / 2.0, 1, 1], m.PerClassAccuracy);          // TP / (TP + FN)
        Assert.AreEqual((1 / 2.0 + 1 + 1) / 3, m.MeanAccuracy, Tolerance);
    }

    [TestMethod]
    public void AClassAbsentEverywhereIsNaNAndLeftOutOfTheMeans()
    {
        var m = Metrics(4, [0, 0, 1, 1, 255, 2], [0, 1, 1, 1, 0, 2]);
        AssertValues([1 / 2.0, 2 / 3.0, 1, double.NaN], m.PerClassIoU);
        Assert.AreEqual((1 / 2.0 + 2 / 3.0 + 1) / 3, m.MeanIoU, Tolerance);
        Assert.IsTrue(double.IsNaN(m.PerClassDice[3]) && double.IsNaN(m.PerClassAccuracy[3]));
        Assert.AreEqual((2 / 3.0 + 4 / 5.0 + 1) / 3, m.MeanDice, Tolerance);
    }

    [TestMethod]
    public void AClassOnlyPredictedHasIoUZeroButNoAccuracy()
    {
        // class 2 is predicted once and never true; class 1 appears nowhere
        var m = Metrics(3, [0, 0], [0, 2]);
        AssertValues([1 / 2.0, double.NaN, 0], m.PerClassIoU);
        Assert.AreEqual(0.25, m.MeanIoU, Tolerance);
        AssertValues([1 / 2.0, double.NaN, double.NaN], m.PerClassAccuracy);
        Assert.AreEqual(0.5, m.MeanAccuracy, Tolerance);
    }

    [TestMethod]
    public void OneMatrixOverTheDatasetNotAMeanOfImages()
    {
        var matrix = new SegmentationConfusionMatrix(2, ignoreLabel: -1);
        matrix.Add([0, 0, 0, 0], [0, 0, 0, 0]); // alone: mIoU 1
        matrix.Add([1, -1], [0, 1]);            // alone: mIoU 0
        var m = matrix.ComputeMetrics();
        AssertValues([4 / 5.0, 0], m.PerClassIoU);
        Assert.AreEqual(0.4, m.MeanIoU, Tolerance);
        Assert.AreEqual(0.8, m.PixelAccuracy, Tolerance);
    }

    [TestMethod]
    public void BadInputIsRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SegmentationConfusionMatrix(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SegmentationConfusionMatrix(3, ignoreLabel: 2));
        var matrix = new SegmentationConfusionMatrix(3);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => matrix.Add([0, 1], [0])).Message, "2 pixels");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => matrix.Add([0, 7], [0, 0])).Message,
            "Ground-truth pixel 1 is 7; expected a class in [0, 3) or the ignore label 255");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => matrix.Add([0, 1], [0, 255])).Message,
            "Predicted pixel 1 is 255");
        Assert.AreEqual(0, matrix.PixelCount); // a refused call counts nothing
        matrix.Add([255, 255], [0, 1]);
        Assert.ThrowsExactly<InvalidOperationException>(() => matrix.ComputeMetrics());
    }

    private static void AssertValues(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.AreEqual(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], Tolerance, $"class {i}");
    }
}
