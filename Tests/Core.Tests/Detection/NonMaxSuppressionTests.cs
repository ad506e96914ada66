using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class NonMaxSuppressionTests
{
    // torchvision_reference.py's boxes: 0 and 1 tie at 0.9 with IoU 0.81; box 2 has IoU exactly 0.5 with box 0;
    // 3 and 4 tie at 0.7 (IoU 0.82); box 5 repeats box 0.
    private static readonly float[] Boxes = [0, 0, 10, 10, 1, 1, 10, 10, 0, 0, 10, 5, 20, 20, 30, 30, 21, 20, 31, 30, 0, 0, 10, 10];
    private static readonly float[] Scores = [0.9f, 0.9f, 0.8f, 0.7f, 0.7f, 0.6f];
    private static readonly int[] Classes = [0, 1, 0, 2, 2, 1];

    [TestMethod]
    public void Keeps_match_torchvision_including_ties_and_iou_equal_to_the_threshold()
    {
        CollectionAssert.AreEqual(TorchvisionValues.NmsKeep050, NonMaxSuppression.Keep(Boxes, Scores, 0.5f));
        CollectionAssert.AreEqual(TorchvisionValues.NmsKeep049, NonMaxSuppression.Keep(Boxes, Scores, 0.49f));
        float[] identical = [.. Enumerable.Repeat(new float[] { 0, 0, 10, 10 }, 4).SelectMany(b => b)];
        CollectionAssert.AreEqual(TorchvisionValues.NmsAllTied, NonMaxSuppression.Keep(identical, [0.5f, 0.7f, 0.7f, 0.7f], 0.5f));
        CollectionAssert.AreEqual(TorchvisionValues.BatchedNmsKeep050, NonMaxSuppression.KeepPerClass(Boxes, Scores, Classes, 0.5f));
    }

    [TestMethod]
    public void Many_ties_keep_what_torchvision_keeps_in_its_order()
    {
        // 60 integer boxes on a 70×70 area in 5 score levels; the formula of torchvision_reference.py
        const int n = 60;
        var boxes = new float[4 * n];
        var scores = new float[n];
        var classes = new int[n];
        for (int i = 0; i < n; i++)
        {
            float x = i * 37 % 50, y = i * 53 % 50;
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + 5 + i * 17 % 20;
            boxes[4 * i + 3] = y + 5 + i * 29 % 20;
            scores[i] = i * 7 % 5 / 5f;
            classes[i] = i % 3;
        }
        CollectionAssert.AreEqual(TorchvisionValues.NmsManyTiesKeep030, NonMaxSuppression.Keep(boxes, scores, 0.3f));
        CollectionAssert.AreEqual(TorchvisionValues.BatchedNmsManyTiesKeep030, NonMaxSuppression.KeepPerClass(boxes, scores, classes, 0.3f));
    }

    [TestMethod]
    public void Boxes_of_different_classes_never_suppress_each_other()
    {
        float[] identical = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10];
        CollectionAssert.AreEqual(new[] { 2, 0, 1 }, NonMaxSuppression.KeepPerClass(identical, [0.5f, 0.4f, 0.6f], [0, 1, 2], 0f));
        CollectionAssert.AreEqual(new[] { 2 }, NonMaxSuppression.Keep(identical, [0.5f, 0.4f, 0.6f], 0f));
    }

    [TestMethod]
    public void Score_threshold_and_max_detections()
    {
        // threshold 0.7 is strict: the two 0.7 boxes go, as box 5
        CollectionAssert.AreEqual(new[] { 0, 2 }, NonMaxSuppression.Keep(Boxes, Scores, 0.5f, scoreThreshold: 0.7f));
        CollectionAssert.AreEqual(new[] { 0, 1 }, NonMaxSuppression.KeepPerClass(Boxes, Scores, Classes, 0.5f, maxDetections: 2));
        Assert.AreEqual(0, NonMaxSuppression.Keep(Boxes, Scores, 0.5f, maxDetections: 0).Length);
    }

    [TestMethod]
    public void Empty_input_degenerate_boxes_and_threshold_one()
    {
        Assert.AreEqual(0, NonMaxSuppression.Keep([], [], 0.5f).Length);
        // zero-area boxes have IoU 0 with everything, so none is suppressed
        CollectionAssert.AreEqual(new[] { 1, 0 }, NonMaxSuppression.Keep([2, 2, 2, 2, 2, 2, 2, 2], [0.1f, 0.2f], 0f));
        // IoU never exceeds 1: threshold 1 keeps everything, by descending score
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, NonMaxSuppression.Keep(Boxes, Scores, 1f));
    }

    [TestMethod]
    public void Bad_input_is_refused()
    {
        ArgumentAssert.Throws(() => NonMaxSuppression.Keep(Boxes, [0.5f], 0.5f), "scores", "length 1", "expected 6");
        ArgumentAssert.Throws(() => NonMaxSuppression.Keep([0, 0, 1, 1], [float.NaN], 0.5f), "scores", "NaN");
        ArgumentAssert.Throws(() => NonMaxSuppression.Keep([0, 3, 1, 1], [0.5f], 0.5f), "boxes", "y1 ≤ y2");
        ArgumentAssert.Throws(() => NonMaxSuppression.KeepPerClass(Boxes, Scores, [0, 1], 0.5f), "classes", "expected 6");
        ArgumentAssert.Throws(() => NonMaxSuppression.Keep(Boxes, Scores, 0.5f, maxDetections: -1), "maxDetections");
    }
}
