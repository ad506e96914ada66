using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class BoxLossTests
{
    // Predicted/target pairs: overlapping, predicted inside the target, disjoint, target inside the predicted box
    // (no corner ties, where the loss is not differentiable).
    private static readonly double[] Predicted = [1, 2, 9, 11, 3, 3, 6, 7, 0, 0, 2, 3, -4, -3, 12, 14];
    private static readonly double[] Target = [0, 0, 10, 10, 1, 1, 9, 10, 5, 6, 8, 9, 0.5, 1, 5, 6];

    [TestMethod]
    public void Giou_loss_is_one_minus_the_diagonal_of_the_giou_matrix()
    {
        var losses = new double[4];
        GeneralizedIouLoss.Forward<double>(Predicted, Target, losses);
        var giou = BoxIou.GeneralizedIou<double>(Predicted, Target);
        for (int i = 0; i < 4; i++) Assert.AreEqual(1 - giou[i * 4 + i], losses[i], 1e-15);
        GeneralizedIouLoss.Forward<double>([0, 0, 10, 10], [0, 0, 10, 10], losses.AsSpan(0, 1));
        Assert.AreEqual(0.0, losses[0]);
    }

    [TestMethod]
    public void Giou_loss_and_gradient_match_torchvision_autograd()
    {
        // torchvision's generalized_box_iou_loss adds eps = 1e-7 to its denominators: agreement to ~1e-8
        var losses = new double[4];
        GeneralizedIouLoss.Forward<double>(Predicted, Target, losses);
        Approx.AssertClose(TorchvisionValues.GeneralizedIouLoss, losses, 1e-8, "loss");
        var gradient = new double[16];
        GeneralizedIouLoss.Backward<double>(Predicted, Target, [0.3, -1.2, 0.7, 2.0], gradient);
        Approx.AssertClose(TorchvisionValues.GeneralizedIouLossGradient, gradient, 1e-8, "gradient");
    }

    [TestMethod]
    public void Giou_loss_backward_matches_finite_differences()
    {
        GradientCheck.AssertMatchesFiniteDifferences("GIoU loss", (double[])Predicted.Clone(),
            p => { var l = new double[4]; GeneralizedIouLoss.Forward<double>(p, Target, l); return l; },
            g => { var d = new double[16]; GeneralizedIouLoss.Backward<double>(Predicted, Target, g, d); return d; });
    }

    [TestMethod]
    public void Smooth_l1_matches_hand_values_and_finite_differences()
    {
        var losses = new double[1];
        // d = (0.5, −2, 0, 3), β = 1: 0.125 + 1.5 + 0 + 2.5
        SmoothL1BoxLoss.Forward<double>([0.5, -2, 1, 3], [0, 0, 1, 0], 1.0, losses);
        Assert.AreEqual(4.125, losses[0], 1e-15);
        SmoothL1BoxLoss.Forward<double>([0.5, -2, 1, 3], [0, 0, 1, 0], 0.0, losses); // β = 0: L1
        Assert.AreEqual(5.5, losses[0], 1e-15);
        foreach (double beta in new[] { 0.0, 1.5, 2.5 }) // no |d| equals β (the kink)
            GradientCheck.AssertMatchesFiniteDifferences($"smooth L1 β={beta}", (double[])Predicted.Clone(),
                p => { var l = new double[4]; SmoothL1BoxLoss.Forward<double>(p, Target, beta, l); return l; },
                g => { var d = new double[16]; SmoothL1BoxLoss.Backward<double>(Predicted, Target, beta, g, d); return d; });
    }

    [TestMethod]
    public void Mismatched_pairs_are_refused()
    {
        var losses = new float[1];
        ArgumentAssert.Throws(() => GeneralizedIouLoss.Forward<float>([0, 0, 1, 1], [0, 0, 1, 1, 0, 0, 1, 1], losses),
            "target", "holds 2 boxes", "1");
        ArgumentAssert.Throws(() => GeneralizedIouLoss.Forward<float>([2, 0, 1, 1], [0, 0, 1, 1], losses), "predicted", "x1 ≤ x2");
        ArgumentAssert.Throws(() => SmoothL1BoxLoss.Forward<float>([0, 0, 1, 1], [0, 0, 1], 1f, losses), "target", "length 3");
        ArgumentAssert.Throws(() => SmoothL1BoxLoss.Forward<float>([0, 0, 1, 1], [0, 0, 1, 1], -1f, losses), "beta");
    }
}
