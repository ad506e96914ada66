using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection.Yolo;

[TestClass]
public sealed class YoloAssignmentTests
{
    // anchors 8×8, 16×32, 32×16 on a 4×4 grid of 8-pixel cells (a 32×32 image)
    private static readonly YoloHead Head = new([8, 8, 16, 32, 32, 16], classCount: 3, stride: 8);
    private static readonly YoloGrid Grid = new(1, 4, 4);
    private static readonly YoloAssignmentOptions NoIgnore = new(IgnoreIouThreshold: 1);

    private static YoloTargets Assign(YoloAssignmentOptions options, params GroundTruthBox[] boxes) =>
        YoloAssignment.Assign<float>(Head, YoloOutputs.Zeros(Head, 1, 4, 4).Span, Grid, YoloOutputs.Images(boxes), options);

    private static (int Anchor, int Row, int Column, int Box)[] Positives(YoloTargets targets)
    {
        var positives = new List<(int, int, int, int)>();
        for (int a = 0; a < 3; a++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    if (targets.AssignedBox[targets.Position(0, a, i, j)] is var box and >= 0) positives.Add((a, i, j, box));
        return positives.ToArray();
    }

    [TestMethod]
    public void A_centre_on_a_cell_border_goes_to_the_cell_right_and_below()
    {
        var targets = Assign(NoIgnore, new GroundTruthBox(4, 4, 12, 12, 2)); // centre (8, 8)
        CollectionAssert.AreEqual(new[] { (0, 1, 1, 0) }, Positives(targets));
        int p = targets.Position(0, 0, 1, 1);
        Assert.AreEqual(2, targets.ClassIds[p]);
        Assert.AreEqual(1f, targets.Objectness(p));
        CollectionAssert.AreEqual(new float[] { 4, 4, 12, 12 }, targets.Boxes.AsSpan(4 * p, 4).ToArray());
        Assert.AreEqual(0f, targets.Objectness(targets.Position(0, 0, 0, 0)));
        Assert.AreEqual(-1, targets.ClassIds[targets.Position(0, 0, 0, 0)]);
    }

    [TestMethod]
    public void Boxes_touching_or_crossing_the_image_border_stay_on_the_grid()
    {
        var targets = Assign(NoIgnore, new GroundTruthBox(24, 0, 32, 8, 0), new GroundTruthBox(28, 28, 36, 36, 1), new GroundTruthBox(0, 24, 8, 32, 0));
        // centres (28, 4) → cell (0, 3); (32, 32), on the far edge → the last cell (3, 3); (4, 28) → (3, 0)
        CollectionAssert.AreEquivalent(new[] { (0, 0, 3, 0), (0, 3, 3, 1), (0, 3, 0, 2) }, Positives(targets));
    }

    [TestMethod]
    public void A_box_takes_the_anchor_with_the_best_shape_iou()
    {
        // 14×30: shape IoU 64/420 ≈ 0.15 with 8×8, 420/512 ≈ 0.82 with 16×32, 224/708 ≈ 0.32 with 32×16
        var targets = Assign(NoIgnore, new GroundTruthBox(0, 0, 14, 30, 1));
        CollectionAssert.AreEqual(new[] { (1, 1, 0, 0) }, Positives(targets));
    }

    [TestMethod]
    public void Two_boxes_in_one_cell_take_their_own_anchors_or_the_better_shape_wins()
    {
        var both = Assign(NoIgnore, new GroundTruthBox(0, 0, 8, 8, 0), new GroundTruthBox(-4, -12, 12, 20, 2));
        CollectionAssert.AreEquivalent(new[] { (0, 0, 0, 0), (1, 0, 0, 1) }, Positives(both));

        // both want anchor 0 of cell (0, 0): the 8×8 box (shape IoU 1) beats the 6×6 one (36/64) though listed second
        var better = Assign(NoIgnore, new GroundTruthBox(1, 1, 7, 7, 1), new GroundTruthBox(0, 0, 8, 8, 0));
        CollectionAssert.AreEqual(new[] { (0, 0, 0, 1) }, Positives(better));
        Assert.AreEqual(0, better.ClassIds[better.Position(0, 0, 0, 0)]);

        // equal shapes: the earlier box keeps the slot
        var tie = Assign(NoIgnore, new GroundTruthBox(0.5f, 0.5f, 6.5f, 6.5f, 1), new GroundTruthBox(0, 0, 6, 6, 2));
        CollectionAssert.AreEqual(new[] { (0, 0, 0, 0) }, Positives(tie));
    }

    [TestMethod]
    public void Extra_anchors_above_the_threshold_are_assigned_too()
    {
        // 24×24: shape IoU 64/576 ≈ 0.11 with 8×8 and 384/704 ≈ 0.55 with both 16×32 and 32×16 (the tie goes to anchor 1)
        var box = new GroundTruthBox(0, 0, 24, 24, 0);
        CollectionAssert.AreEqual(new[] { (1, 1, 1, 0) }, Positives(Assign(NoIgnore, box)));
        CollectionAssert.AreEqual(new[] { (1, 1, 1, 0), (2, 1, 1, 0) },
            Positives(Assign(NoIgnore with { ExtraAnchorIouThreshold = 0.5f }, box)));
    }

    [TestMethod]
    public void Unassigned_predictions_overlapping_a_box_are_ignored()
    {
        // zero output: anchor 0 at cell (1, 1) decodes to (8, 8, 16, 16), the box itself, and is positive (never ignored);
        // anchor 1 there, shrunk to 8×8 by tw = ln ½, th = ln ¼, decodes to the box too and is ignored
        var output = YoloOutputs.Zeros(Head, 1, 4, 4);
        output.Set(Head, 0, 1, YoloHead.Tw, 1, 1, MathF.Log(0.5f));
        output.Set(Head, 0, 1, YoloHead.Th, 1, 1, MathF.Log(0.25f));
        var images = YoloOutputs.Images([new GroundTruthBox(8, 8, 16, 16, 0)]);

        var targets = YoloAssignment.Assign<float>(Head, output.Span, Grid, images);
        var ignored = Enumerable.Range(0, targets.Ignore.Length).Where(p => targets.Ignore[p]).ToArray();
        CollectionAssert.AreEqual(new[] { targets.Position(0, 1, 1, 1) }, ignored);
        Assert.AreEqual(0, targets.AssignedBox[targets.Position(0, 0, 1, 1)]);

        Assert.IsFalse(YoloAssignment.Assign<float>(Head, output.Span, Grid, images, NoIgnore).Ignore.Any(x => x));
    }

    [TestMethod]
    public void Images_without_boxes_have_no_targets_and_bad_boxes_are_named()
    {
        var empty = Assign(new YoloAssignmentOptions());
        Assert.IsTrue(empty.AssignedBox.All(b => b == -1) && !empty.Ignore.Any(x => x));

        ArgumentAssert.Throws(() => Assign(NoIgnore, new GroundTruthBox(0, 0, 8, 8, 3)), "groundTruth", "class 3", "[0, 3)");
        ArgumentAssert.Throws(() => Assign(NoIgnore, new GroundTruthBox(0, 0, 0, 8, 0)), "groundTruth", "no area");
        ArgumentAssert.Throws(() => Assign(NoIgnore, new GroundTruthBox(8, 0, 0, 8, 0)), "groundTruth", "malformed");
        ArgumentAssert.Throws(() => Assign(new YoloAssignmentOptions(IgnoreIouThreshold: float.NaN)), "options", "NaN");
        ArgumentAssert.Throws(() => YoloAssignment.Assign<float>(Head, YoloOutputs.Zeros(Head, 1, 4, 4).Span, Grid,
            YoloOutputs.Images([], [])), "groundTruth", "2 images", "1");
    }
}
