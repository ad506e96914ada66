using Microsoft.ML;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>What the detection trainer refuses, each with the column, the row and what it expected.</summary>
[TestClass]
public sealed class CnnObjectDetectionErrorTests
{
    /// <summary>Fits the detector (one epoch) on four pictures changed by <paramref name="change"/>; returns what it threw.</summary>
    private static Exception Refusal(Action<List<SquarePictures.Row>, string> change, CnnObjectDetectionOptions? options = null)
    {
        var directory = Directory.CreateTempSubdirectory("cnn-detection-errors-").FullName;
        try
        {
            var rows = SquarePictures.Write(4, 3, directory);
            change(rows, directory);
            var ml = new MLContext(seed: 1);
            var pipeline = CnnObjectDetectionTests.Prefix(ml)
                .Append(ml.MulticlassClassification.Trainers.CnnObjectDetection((options ?? CnnObjectDetectionTests.Options()) with { Epochs = 1 }));
            return Assert.Throws<Exception>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    private static void Contains(Exception e, params string[] parts)
    {
        foreach (var part in parts) StringAssert.Contains(e.Message, part, e.ToString());
    }

    [TestMethod]
    public void AMissingBoxColumnIsNamed() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { BoundingBoxColumnName = "Boxes" }), "'Boxes'", "not in the data", "x0, y0, x1, y1");

    [TestMethod]
    public void AMissingLabelColumnIsNamed() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { LabelColumnName = "Labels" }), "'Labels'", "not in the data", "vector of keys");

    [TestMethod]
    public void AnImageColumnThatIsNoImageIsRefused() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { FeatureColumnName = "ImagePath" }), "'ImagePath'", "expected an image");

    [TestMethod]
    public void ALabelThatIsNoKeyVectorIsRefused() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { LabelColumnName = "Width" }), "'Width'", "expected a vector of keys");

    [TestMethod]
    public void BoxesThatAreNoFloatVectorAreRefused() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { BoundingBoxColumnName = "Mask" }), "'Mask'", "expected a float vector");

    [TestMethod]
    public void ABoxVectorNotAMultipleOfFourIsRefusedWithItsRow() =>
        Contains(Refusal((rows, _) => rows[2].BoundingBoxes = [.. rows[2].BoundingBoxes, 1f]), "Row 2", "'BoundingBoxes'", "not a multiple of 4");

    [TestMethod]
    public void MoreLabelsThanBoxesAreRefusedWithItsRow() =>
        Contains(Refusal((rows, _) => rows[1].Label = [.. rows[1].Label, "red"]), "Row 1", "'Label'", "one box per label");

    [TestMethod]
    public void AnEmptyImageIsRefusedWithItsRow() =>
        Contains(Refusal((rows, directory) =>
        {
            rows[3].ImagePath = Path.Combine(directory, "empty.png");
            File.WriteAllBytes(rows[3].ImagePath, []);
        }), "Row 3", "'Image'");

    [TestMethod]
    public void ABoxOutsideTheImageIsRefused() =>
        Contains(Refusal((rows, _) => rows[0].BoundingBoxes[2] = rows[0].Width + 1), "Row 0", "box 0", $"outside the", "clip");

    [TestMethod]
    public void ABoxWithX1BelowX0IsRefused() =>
        Contains(Refusal((rows, _) => (rows[1].BoundingBoxes[0], rows[1].BoundingBoxes[2]) = (rows[1].BoundingBoxes[2], rows[1].BoundingBoxes[0])),
            "Row 1", "box 0", "x0 ≤ x1");

    [TestMethod]
    public void NoRowsAreRefused() =>
        Contains(Refusal((rows, _) => rows.Clear()), "no rows");

    [TestMethod]
    public void RowsWithoutAnyObjectAreRefused() =>
        Contains(Refusal((rows, _) => rows.ForEach(r => (r.Label, r.BoundingBoxes) = ([], []))), "None of the 4 training rows has an object");

    [TestMethod]
    public void ImagesOfAnySizeNeedTheNetworksSize() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { Height = null, Width = null }), "set Height and Width");

    [TestMethod]
    public void TheLossAndTheNetworkAreTheDetectorsOwn()
    {
        var ml = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.CnnObjectDetection(CnnObjectDetectionTests.Options() with { Loss = new Training.MeanSquaredError() }));
        Contains(e, "DetectionLoss");
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.CnnObjectDetection(CnnObjectDetectionTests.Options() with { Network = (c, h, w, k) => new Layers.FlattenLayer("f") }));
        Contains(e, "Backbone", "Detector");
    }

    [TestMethod]
    public void ADetectorOfTheWrongOutputIsRefused() =>
        Contains(Refusal((_, _) => { }, CnnObjectDetectionTests.Options() with { Detector = (c, _, _, _) => new Layers.Conv2dLayer("out", c, 7, 1) }),
            "The detector gives [1, 7, 32, 32]", "stride 8");
}
