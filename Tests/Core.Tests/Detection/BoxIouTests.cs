using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class BoxIouTests
{
    // The boxes of torchvision_reference.py: identical, overlapping, touching along an edge, contained, disjoint.
    private static readonly double[] A = [0, 0, 10, 10, 5, 5, 15, 15, 10, 0, 20, 10, 2, 2, 4, 8];
    private static readonly double[] B = [0, 0, 10, 10, 20, 20, 30, 25, 3, 1, 12, 9];

    [TestMethod]
    public void Matrices_match_torchvision()
    {
        Approx.AssertClose(TorchvisionValues.Iou, BoxIou.Iou<double>(A, B), 1e-15, "IoU");
        Approx.AssertClose(TorchvisionValues.GeneralizedIou, BoxIou.GeneralizedIou<double>(A, B), 1e-15, "GIoU");
        var floatA = A.Select(v => (float)v).ToArray();
        var floatB = B.Select(v => (float)v).ToArray();
        Approx.AssertClose(TorchvisionValues.GeneralizedIou, BoxIou.GeneralizedIou<float>(floatA, floatB), 1e-6, "float GIoU");
    }

    [TestMethod]
    public void Center_size_boxes_give_the_same_matrices()
    {
        double[] centerA = ToCenterSize(A), centerB = ToCenterSize(B);
        Approx.AssertClose(TorchvisionValues.Iou, BoxIou.Iou<double>(centerA, centerB, BoxFormat.Cxcywh), 1e-15, "IoU");
        Approx.AssertClose(TorchvisionValues.GeneralizedIou, BoxIou.GeneralizedIou<double>(centerA, centerB, BoxFormat.Cxcywh), 1e-15, "GIoU");
        ArgumentAssert.Throws(() => BoxIou.Iou<double>([5, 5, -1, 2], centerB, BoxFormat.Cxcywh), "a", "width -1");
    }

    [TestMethod]
    public void Hand_computed_pairs()
    {
        // [0,0,10,10] vs [5,5,15,15]: I = 25, U = 175, C = 225 → IoU 1/7, GIoU 1/7 − 50/225
        Assert.AreEqual(1.0 / 7, BoxIou.Iou<double>([0, 0, 10, 10], [5, 5, 15, 15])[0], 1e-15);
        Assert.AreEqual(1.0 / 7 - 50.0 / 225, BoxIou.GeneralizedIou<double>([0, 0, 10, 10], [5, 5, 15, 15])[0], 1e-15);
        // touching along an edge: IoU 0, and the enclosing box is the union, so GIoU 0 too
        Assert.AreEqual(0.0, BoxIou.GeneralizedIou<double>([0, 0, 10, 10], [10, 0, 20, 10])[0]);
        // far apart: GIoU tends to −1
        Assert.AreEqual(2.0 / 10_000 - 1, BoxIou.GeneralizedIou<double>([0, 0, 1, 1], [99, 99, 100, 100])[0], 1e-15);
    }

    [TestMethod]
    public void Degenerate_boxes_give_zero_instead_of_nan()
    {
        // two coinciding points: union and enclosing area are 0 → IoU 0, GIoU 0 (torchvision: NaN)
        Assert.AreEqual(0.0, BoxIou.Iou<double>([3, 3, 3, 3], [3, 3, 3, 3])[0]);
        Assert.AreEqual(0.0, BoxIou.GeneralizedIou<double>([3, 3, 3, 3], [3, 3, 3, 3])[0]);
        // two parallel segments: union 0, enclosing 1×2 → GIoU = 0 − (2 − 0)/2 = −1
        Assert.AreEqual(-1.0, BoxIou.GeneralizedIou<double>([0, 0, 0, 2], [1, 0, 1, 2])[0]);
        // a zero-width box inside a real one: IoU 0, enclosing = the real box = union → GIoU 0
        Assert.AreEqual(0.0, BoxIou.Iou<double>([5, 2, 5, 8], [0, 0, 10, 10])[0]);
        Assert.AreEqual(0.0, BoxIou.GeneralizedIou<double>([5, 2, 5, 8], [0, 0, 10, 10])[0]);
    }

    [TestMethod]
    public void Empty_sets_give_an_empty_matrix_and_malformed_boxes_are_refused()
    {
        Assert.AreEqual(0, BoxIou.Iou<float>([], [0, 0, 1, 1]).Length);
        ArgumentAssert.Throws(() => BoxIou.Iou<float>([0, 0, 1, 1], [2, 0, 1, 1]), "b", "box 0", "x1 ≤ x2");
        ArgumentAssert.Throws(() => BoxIou.GeneralizedIou<float>([0, 0, 1, 1, 0], [0, 0, 1, 1]), "a", "multiple of 4");
    }

    private static double[] ToCenterSize(double[] xyxy)
    {
        var result = new double[xyxy.Length];
        BoxConversion.XyxyToCxcywh<double>(xyxy, result);
        return result;
    }
}
