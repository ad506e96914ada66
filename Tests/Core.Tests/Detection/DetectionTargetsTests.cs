using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Detection.Yolo;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class DetectionTargetsTests
{
    [TestMethod]
    public void Rows_round_trip_and_pad_with_class_minus_one()
    {
        GroundTruthBox[] boxes = [new(1, 2, 10, 12, 3), new(0, 0, 32, 32, 0)];
        var row = new float[4 * DetectionTargets.RowLength];
        row.AsSpan().Fill(7);   // stale values must go
        DetectionTargets.Write(boxes, row, maxObjects: 4);
        CollectionAssert.AreEqual(new float[] { 3, 1, 2, 10, 12, 0, 0, 0, 32, 32, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0 }, row);
        CollectionAssert.AreEqual(boxes, DetectionTargets.Read(row));

        DetectionTargets.Write([], row, maxObjects: 4);
        Assert.AreEqual(0, DetectionTargets.Read(row).Length);
    }

    [TestMethod]
    public void More_boxes_than_rows_or_a_bad_box_are_refused_naming_the_image()
    {
        var row = new float[2 * 5];
        GroundTruthBox[] three = [new(0, 0, 1, 1, 0), new(0, 0, 2, 2, 0), new(0, 0, 3, 3, 1)];
        var tooMany = Assert.ThrowsExactly<ArgumentException>(() => DetectionTargets.Write(three, row, 2, "scene 17"));
        StringAssert.Contains(tooMany.Message, "scene 17 has 3 objects; the layout holds at most 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DetectionTargets.Write([new(0, 0, 1, 1, -2)], row, 2, "scene 3")).Message,
            "Object 0 of scene 3 has class -2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DetectionTargets.Write([new(5, 0, 1, 1, 0)], row, 2, "scene 4")).Message,
            "object 0 of scene 4");
        Assert.ThrowsExactly<ArgumentException>(() => DetectionTargets.Write([], new float[9], 2));
        Assert.ThrowsExactly<ArgumentException>(() => DetectionTargets.Read(new float[7]));
    }

    [TestMethod]
    public void YoloLoss_as_ILoss_on_padded_rows_equals_the_list_overload_value_and_gradient()
    {
        var head = new YoloHead([8, 8, 16, 16], classCount: 3, stride: 8);
        var grid = new YoloGrid(2, 2, 3);
        var truth = YoloOutputs.Images([new GroundTruthBox(1, 2, 10, 9, 2), new GroundTruthBox(9, 3, 23, 15, 0)],
            [new GroundTruthBox(14, 5, 20, 14, 1)]);
        var prediction = new Tensor(2, head.Channels, grid.Height, grid.Width);
        var values = YoloOutputs.Random(head, grid, seed: 3, scale: 0.8);
        for (int k = 0; k < values.Length; k++) prediction.Span[k] = (float)values[k];
        var target = new Tensor(2, 3, 5);
        for (int n = 0; n < 2; n++) DetectionTargets.Write(truth[n], target.Span.Slice(n * 15, 15), 3);

        var loss = new YoloLoss(head);
        var listGradient = new Tensor(prediction.Shape);
        var tensorGradient = new Tensor(prediction.Shape);
        double expected = loss.Compute(prediction, truth, listGradient);
        double actual = ((ILoss)loss).Compute(prediction, target, tensorGradient);
        Assert.AreEqual(expected, actual);
        CollectionAssert.AreEqual(listGradient.ToArray(), tensorGradient.ToArray());
        Assert.IsTrue(expected > 0);

        var wrong = Assert.ThrowsExactly<ArgumentException>(() => ((ILoss)loss).Compute(prediction, new Tensor(2, 15), tensorGradient));
        StringAssert.Contains(wrong.Message, "expected [2, maxObjects, 5]");
    }
}
