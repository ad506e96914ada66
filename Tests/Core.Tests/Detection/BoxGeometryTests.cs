using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class BoxGeometryTests
{
    [TestMethod]
    public void Conversions_match_hand_values_and_round_trip()
    {
        float[] xyxy = [0, 0, 10, 4, 2, 3, 2, 9, -5, -1, 5, 1]; // the second box has zero width
        var cxcywh = new float[12];
        BoxConversion.XyxyToCxcywh<float>(xyxy, cxcywh);
        CollectionAssert.AreEqual(new float[] { 5, 2, 10, 4, 2, 6, 0, 6, 0, 0, 10, 2 }, cxcywh);
        var back = new float[12];
        BoxConversion.CxcywhToXyxy<float>(cxcywh, back);
        CollectionAssert.AreEqual(xyxy, back);
    }

    [TestMethod]
    public void Area_has_no_plus_one_and_is_zero_for_degenerate_boxes()
    {
        var areas = new double[3];
        BoxGeometry.Area<double>([0, 0, 10, 4, 2, 3, 2, 9, 1.5, 1, 2, 3], areas);
        CollectionAssert.AreEqual(new double[] { 40, 0, 1 }, areas);
    }

    [TestMethod]
    public void Clip_clamps_to_the_image_and_keeps_boxes_touching_the_border()
    {
        float[] boxes = [-3, -2, 5, 6, 8, 1, 12, 7, 0, 0, 10, 8, 11, 9, 15, 12];
        BoxGeometry.Clip<float>(boxes, width: 10, height: 8);
        // the last box lies wholly outside: it becomes the zero-area box at the corner
        CollectionAssert.AreEqual(new float[] { 0, 0, 5, 6, 8, 1, 10, 7, 0, 0, 10, 8, 10, 8, 10, 8 }, boxes);
    }

    [TestMethod]
    public void Malformed_boxes_and_lengths_are_refused()
    {
        var areas = new float[1];
        ArgumentAssert.Throws(() => BoxGeometry.Area<float>([5, 0, 4, 1], areas), "boxes", "box 0", "x1 ≤ x2");
        ArgumentAssert.Throws(() => BoxGeometry.Area<float>([0, 2, 4, 1], areas), "boxes", "y1 ≤ y2");
        ArgumentAssert.Throws(() => BoxGeometry.Area<float>([0, 0, float.NaN, 1], areas), "boxes", "not finite");
        ArgumentAssert.Throws(() => BoxGeometry.Area<float>([0, 0, 4], areas), "boxes", "multiple of 4");
        ArgumentAssert.Throws(() => BoxGeometry.Area<float>([0, 0, 4, 4], new float[2]), "areas", "expected 1");
        ArgumentAssert.Throws(() => BoxConversion.CxcywhToXyxy<float>([0, 0, -1, 2], new float[4]), "cxcywh", "width -1");
        ArgumentAssert.Throws(() => BoxConversion.XyxyToCxcywh<float>([0, 0, 1, 2], new float[8]), "cxcywh", "expected 4");
    }
}
