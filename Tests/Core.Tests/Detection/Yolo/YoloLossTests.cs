using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Detection.Yolo;

[TestClass]
public sealed class YoloLossTests
{
    private static readonly YoloHead Head = new([8, 8, 16, 16], classCount: 3, stride: 8);
    private static readonly YoloGrid Grid = new(2, 2, 3);

    private static readonly IReadOnlyList<GroundTruthBox>[] Truth = YoloOutputs.Images(
        [new GroundTruthBox(1, 2, 10, 9, 2), new GroundTruthBox(9, 3, 23, 15, 0)],
        [new GroundTruthBox(14, 5, 20, 14, 1)]);

    [TestMethod]
    public void Gradient_matches_finite_differences_with_cross_entropy_and_with_focal_objectness()
    {
        foreach (var options in new[]
                 {
                     new YoloLossOptions(BoxWeight: 2, ObjectnessWeight: 1.5f, ClassWeight: 0.7f),
                     new YoloLossOptions(FocalGamma: 2, FocalAlpha: 0.25f, Assignment: new YoloAssignmentOptions(0.3f, 0.4f)),
                     new YoloLossOptions(BoxWeight: 1.5f, BoxLoss: YoloBoxLoss.SmoothL1),
                 })
        {
            var loss = new YoloLoss(Head, options);
            var x = YoloOutputs.Random(Head, Grid, seed: 3, scale: 0.8);
            var positives = YoloAssignment.Assign<double>(Head, x, Grid, Truth, options.Assignment).AssignedBox.Count(b => b >= 0);
            Assert.IsTrue(positives >= 3, $"{positives} positives");
            GradientCheck.AssertMatchesFiniteDifferences($"YOLO loss {options}", x,
                v => [loss.Compute<double>(v, Grid, Truth, new double[v.Length])],
                g =>
                {
                    var gradient = new double[x.Length];
                    loss.Compute<double>(x, Grid, Truth, gradient);
                    return gradient.Select(d => d * g[0]).ToArray();
                }, maxChecked: 400);
        }
    }

    [TestMethod]
    public void Objectness_term_equals_the_core_binary_and_focal_losses()
    {
        // without ground truth every objectness logit is a negative and nothing else contributes; the core losses take
        // the mean over the M = N·A·H·W logits, this loss the sum over each image's, averaged over the N images
        var output = new Tensor(Grid.Batch, Head.Channels, Grid.Height, Grid.Width);
        var values = YoloOutputs.Random(Head, Grid, seed: 5, scale: 3);
        for (int k = 0; k < values.Length; k++) output.Span[k] = (float)values[k];
        var logits = new Tensor(Grid.Positions(2));
        int m = 0;
        for (int n = 0; n < Grid.Batch; n++)
            for (int a = 0; a < 2; a++)
                for (int i = 0; i < Grid.Height; i++)
                    for (int j = 0; j < Grid.Width; j++) logits.Span[m++] = output[n, a * Head.ChannelsPerAnchor + YoloHead.Objectness, i, j];
        var empty = YoloOutputs.Images([], []);

        foreach (var (options, core) in new (YoloLossOptions, ILoss)[]
                 {
                     (new YoloLossOptions(), new BinaryCrossEntropyWithLogits()),
                     (new YoloLossOptions(FocalGamma: 1.5f, FocalAlpha: 0.3f), new FocalLoss(0.3f, 1.5f)),
                 })
        {
            var gradient = new Tensor(output.Shape);
            double loss = new YoloLoss(Head, options).Compute(output, empty, gradient);
            var coreGradient = new Tensor(logits.Shape);
            double expected = core.Compute(logits, new Tensor(logits.Shape), coreGradient) * m / Grid.Batch;
            Assert.AreEqual(expected, loss, 1e-5 * expected);
            m = 0;
            for (int n = 0; n < Grid.Batch; n++)
                for (int a = 0; a < 2; a++)
                    for (int i = 0; i < Grid.Height; i++)
                        for (int j = 0; j < Grid.Width; j++)
                            Assert.AreEqual(coreGradient.Span[m++] * logits.Length / Grid.Batch,
                                gradient[n, a * Head.ChannelsPerAnchor + YoloHead.Objectness, i, j], 1e-6);
        }
    }

    [TestMethod]
    public void Box_and_class_terms_are_one_minus_giou_and_softmax_cross_entropy_at_the_positive()
    {
        // one image, one box at cell (0, 1), anchor 0; zero output decodes there to (8, 0, 16, 8)
        var output = new Tensor(1, Head.Channels, 2, 3);
        output.Set(Head, 0, 0, YoloHead.FirstClass, 0, 1, 0.5f);
        output.Set(Head, 0, 0, YoloHead.FirstClass + 2, 0, 1, -1f);
        var truth = YoloOutputs.Images([new GroundTruthBox(10, 1, 18, 7, 1)]);

        var boxOnly = new YoloLoss(Head, new YoloLossOptions(ObjectnessWeight: 0, ClassWeight: 0));
        double box = boxOnly.Compute(output, truth, new Tensor(output.Shape));
        // I = 6·6 = 36, U = 64 + 48 − 36 = 76, C = 10·8 = 80: 1 − GIoU = 1 − 36/76 + 4/80
        Assert.AreEqual(1 - 36.0 / 76 + 4.0 / 80, box, 1e-6);

        // smooth L1 (β = 1) of the corners in cells: d = (8 − 10, 0 − 1, 16 − 18, 8 − 7) / 8, all |d| < 1: Σ d²/2
        var l1Only = new YoloLoss(Head, new YoloLossOptions(ObjectnessWeight: 0, ClassWeight: 0, BoxLoss: YoloBoxLoss.SmoothL1));
        Assert.AreEqual(0.5 * (4 + 1 + 4 + 1) / 64.0, l1Only.Compute(output, truth, new Tensor(output.Shape)), 1e-6);

        var classOnly = new YoloLoss(Head, new YoloLossOptions(BoxWeight: 0, ObjectnessWeight: 0));
        var gradient = new Tensor(output.Shape);
        double cls = classOnly.Compute(output, truth, gradient);
        var logits = Tensor.FromArray([0.5f, 0, -1], 1, 3);
        var expectedGradient = new Tensor(1, 3);
        double expected = new SoftmaxCrossEntropy().Compute(logits, Tensor.FromArray([1f], 1), expectedGradient);
        Assert.AreEqual(expected, cls, 1e-6);
        for (int c = 0; c < 3; c++)
            Assert.AreEqual(expectedGradient.Span[c], gradient[0, YoloHead.FirstClass + c, 0, 1], 1e-6);
        Assert.AreEqual(3, gradient.Span.ToArray().Count(g => g != 0));
    }

    [TestMethod]
    public void No_gradient_flows_through_a_clamped_size()
    {
        var x = new double[Grid.Batch * Head.Channels * Grid.Height * Grid.Width];
        var truth = YoloOutputs.Images([new GroundTruthBox(0, 0, 8, 8, 0)], []);
        int tw = Head.Index(Grid, 0, 0, YoloHead.Tw, 0, 0), th = Head.Index(Grid, 0, 0, YoloHead.Th, 0, 0);
        x[tw] = 10;
        var gradient = new double[x.Length];
        new YoloLoss(Head, new YoloLossOptions(Assignment: new YoloAssignmentOptions(IgnoreIouThreshold: 1))).Compute<double>(x, Grid, truth, gradient);
        Assert.AreEqual(0.0, gradient[tw]);
        Assert.AreNotEqual(0.0, gradient[th]);
    }

    [TestMethod]
    public void Bad_arguments_are_named()
    {
        ArgumentAssert.Throws(() => new YoloLoss(Head, new YoloLossOptions(BoxWeight: -1)), "options", "BoxWeight");
        ArgumentAssert.Throws(() => new YoloLoss(Head, new YoloLossOptions(FocalGamma: -1)), "options", "FocalGamma");
        var output = new Tensor(1, Head.Channels, 2, 2);
        ArgumentAssert.Throws(() => new YoloLoss(Head).Compute(output, YoloOutputs.Images([]), new Tensor(1, Head.Channels, 2, 3)),
            "gradient", "prediction's shape");
    }
}
