using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// Every loss runs through the same bodies: its value against <see cref="LossReference"/> and its gradient against finite
/// differences of that reference (random cases), hand-computed values including logits of ±1e4 (hand rows), and its
/// argument errors (error rows).
/// </summary>
[TestClass]
public sealed class LossTests
{
    /// <summary>A fast loss on random predictions of one shape, a valid target for them, and the reference value.</summary>
    private sealed record Case(ILoss Loss, int[] Shape, int[] TargetShape, Func<int, float[]> Target,
        Func<double[], double[], double> Reference);

    private static readonly double[] NoWeights = [];

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["SoftmaxCrossEntropy indices"] = new(new SoftmaxCrossEntropy(), [7, 5], [7], seed => Indices(seed, 7, 5),
            (x, t) => LossReference.CrossEntropy<double>(x, t, 7, 5, 1, 0, NoWeights)),
        ["SoftmaxCrossEntropy smoothed, weighted"] = new(new SoftmaxCrossEntropy(0.1f, [0.5f, 2f, 1f, 0.25f]), [6, 4], [6],
            seed => Indices(seed, 6, 4), (x, t) => LossReference.CrossEntropy<double>(x, t, 6, 4, 1, 0.1, [0.5, 2, 1, 0.25])),
        ["SoftmaxCrossEntropy probabilities, smoothed, weighted"] = new(new SoftmaxCrossEntropy(0.2f, [1f, 3f, 0.5f, 2f]),
            [5, 4], [5, 4], seed => Distributions(seed, 5, 4),
            (x, t) => LossReference.CrossEntropy<double>(x, t, 5, 4, 1, 0.2, [1, 3, 0.5, 2])),
        ["PixelwiseCrossEntropy weighted, ignoring 255"] = new(new PixelwiseCrossEntropy([1f, 2f, 0.5f], ignoreIndex: 255),
            [2, 3, 4, 5], [2, 4, 5], seed => Indices(seed, 40, 3, ignore: 255),
            (x, t) => LossReference.CrossEntropy<double>(x, t, 2, 3, 20, 0, [1, 2, 0.5], 255)),
        ["PixelwiseCrossEntropy plain"] = new(new PixelwiseCrossEntropy(), [1, 4, 3, 3], [1, 3, 3], seed => Indices(seed, 9, 4),
            (x, t) => LossReference.CrossEntropy<double>(x, t, 1, 4, 9, 0, NoWeights)),
        ["DiceLoss ignoring 255"] = new(new DiceLoss(ignoreIndex: 255), [2, 3, 4, 5], [2, 4, 5], seed => Indices(seed, 40, 3, ignore: 255),
            (x, t) => LossReference.Dice<double>(x, t, 2, 3, 20, 1, 255)),
        ["DiceLoss smooth 0.1"] = new(new DiceLoss(0.1f), [1, 4, 3, 3], [1, 3, 3], seed => Indices(seed, 9, 4),
            (x, t) => LossReference.Dice<double>(x, t, 1, 4, 9, 0.1)),
        ["BinaryCrossEntropyWithLogits"] = new(new BinaryCrossEntropyWithLogits(), [4, 6], [4, 6], seed => Uniform01(seed, 24),
            (x, t) => LossReference.BinaryCrossEntropyWithLogits<double>(x, t, NoWeights)),
        // 900 elements: two chunks, the second starting mid-row, so the pos_weight column follows the chunk offset.
        ["BinaryCrossEntropyWithLogits posWeight"] = new(new BinaryCrossEntropyWithLogits([1f, 2f, 0.5f]), [300, 3], [300, 3],
            seed => Uniform01(seed, 900), (x, t) => LossReference.BinaryCrossEntropyWithLogits<double>(x, t, [1, 2, 0.5])),
        ["FocalLoss"] = new(new FocalLoss(), [5, 7], [5, 7], seed => HardOrSoft01(seed, 35),
            (x, t) => LossReference.SigmoidFocal<double>(x, t, 0.25, 2)),
        ["FocalLoss no alpha, gamma 1.5"] = new(new FocalLoss(-1f, 1.5f), [600], [600], seed => HardOrSoft01(seed, 600),
            (x, t) => LossReference.SigmoidFocal<double>(x, t, -1, 1.5)),
        ["MeanSquaredError"] = new(new MeanSquaredError(), [3, 5, 2], [3, 5, 2], seed => TestData.Floats(seed, 30, 3f),
            (x, t) => LossReference.MeanSquaredError<double>(x, t)),
        ["SmoothL1"] = new(new SmoothL1(), [2, 3, 7], [2, 3, 7], seed => TestData.Floats(seed, 42, 3f),
            (x, t) => LossReference.SmoothL1<double>(x, t, 1)),
        ["SmoothL1 beta 0.5"] = new(new SmoothL1(0.5f), [700], [700], seed => TestData.Floats(seed, 700, 3f),
            (x, t) => LossReference.SmoothL1<double>(x, t, 0.5)),
        ["SmoothL1 beta 0 (L1)"] = new(new SmoothL1(0f), [4, 5], [4, 5], seed => TestData.Floats(seed, 20, 3f),
            (x, t) => LossReference.SmoothL1<double>(x, t, 0)),
        ["TripletMarginLoss"] = new(new TripletMarginLoss(), [3 * 6, 5], [1], _ => [0f],
            (x, _) => LossReference.TripletMargin<double>(x, 6, 5, 1, 2)),
        ["TripletMarginLoss margin 2, p 3"] = new(new TripletMarginLoss(2f, 3f), [3 * 4, 7], [1], _ => [0f],
            (x, _) => LossReference.TripletMargin<double>(x, 4, 7, 2, 3)),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(name => new object[] { name });

    private static float[] Indices(int seed, int count, int classes, int? ignore = null)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => ignore is { } skip && random.Next(5) == 0 ? skip : (float)random.Next(classes)).ToArray();
    }

    private static float[] Uniform01(int seed, int count) => TestData.Floats(seed, count).Select(v => (v + 1) / 2).ToArray();

    /// <summary>Half the targets 0 or 1 (the usual labels), half soft.</summary>
    private static float[] HardOrSoft01(int seed, int count) =>
        Uniform01(seed, count).Select((v, i) => i % 2 == 0 ? MathF.Round(v) : v).ToArray();

    /// <summary>Rows of probabilities summing to 1.</summary>
    private static float[] Distributions(int seed, int rows, int classes)
    {
        float[] values = Uniform01(seed, rows * classes);
        for (int r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * classes, classes);
            float sum = 0;
            foreach (float v in row) sum += v;
            foreach (ref float v in row) v /= sum;
        }
        return values;
    }

    /// <summary>Random predictions (scaled to ±3) and a target for the case; the fast loss and its gradient on them.</summary>
    private static (double[] X, double[] Target, double Loss, double[] Gradient) Run(Case c, int seed)
    {
        var x = TestData.Tensor(seed, c.Shape);
        foreach (ref float v in x.Span) v *= 3f;
        var target = Tensor.FromArray(c.Target(seed + 100), c.TargetShape);
        var gradient = new Tensor(c.Shape);
        gradient.Span.Fill(float.NaN); // every element must be written
        double loss = c.Loss.Compute(x, target, gradient);
        return (TestData.ToDouble(x.Span), TestData.ToDouble(target.Span), loss, TestData.ToDouble(gradient.Span));
    }

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void ValueMatchesReference(string name)
    {
        var c = Cases[name];
        for (int seed = 1; seed <= 3; seed++)
        {
            var (x, target, loss, _) = Run(c, seed);
            Approx.AssertClose([c.Reference(x, target)], [loss], 1e-5, $"{name} seed {seed}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void GradientMatchesFiniteDifferencesOfReference(string name)
    {
        var c = Cases[name];
        var (x, target, _, gradient) = Run(c, seed: 7);
        // Scaled by the element count, so that the per-element gradients of a mean are O(1) against the tolerance.
        double scale = x.Length;
        GradientCheck.AssertMatchesFiniteDifferences(name, x, xs => [scale * c.Reference(xs, target)],
            g => gradient.Select(v => scale * v * g[0]).ToArray(), tolerance: 1e-5);
    }

    /// <summary>A small input with its loss (and gradient) worked out by hand from the formulas PyTorch implements.</summary>
    private sealed record Hand(ILoss Loss, float[] X, int[] Shape, float[] Target, int[] TargetShape, double Expected,
        double[]? Gradient = null, double Tolerance = 1e-6);

    // Logits (1, 2, 3): lse = log(e + e² + e³) = 3.40760596, so −log p = (2.40760596, 1.40760596, 0.40760596), Σ = 4.22281789;
    // softmax = (0.09003057, 0.24472847, 0.66524096).
    private static readonly float[] OneTwoThree = [1f, 2f, 3f];
    private static readonly float[] OneTwoThreeTwice = [1f, 2f, 3f, 1f, 2f, 3f];

    private static readonly Dictionary<string, Hand> HandRows = new()
    {
        // F.cross_entropy([[1, 2, 3]], [2]) = 0.40760596; gradient = softmax − onehot(2).
        ["cross-entropy"] = new(new SoftmaxCrossEntropy(), OneTwoThree, [1, 3], [2f], [1], 0.40760596444438,
            [0.09003057317, 0.24472847105, 0.66524096 - 1]),
        // label_smoothing 0.1: 0.9·0.40760596 + (0.1/3)·4.22281789 = 0.36684537 + 0.14076060 = 0.50760596.
        ["cross-entropy, label smoothing 0.1"] = new(new SoftmaxCrossEntropy(0.1f), OneTwoThree, [1, 3], [2f], [1],
            0.50760596444438),
        // weight (2, 1, 1), targets (0, 2): (2·2.40760596 + 1·0.40760596) / (2 + 1) = 5.22281789 / 3 = 1.74093930.
        ["cross-entropy, weighted"] = new(new SoftmaxCrossEntropy(0f, [2f, 1f, 1f]), OneTwoThreeTwice, [2, 3], [0f, 2f], [2],
            1.74093929777771),
        // weight (2, 1, 1), smoothing 0.1, targets (0, 2): q = (0.9333, 0.0333, 0.0333) and (0.0333, 0.0333, 0.9333);
        // Σ w·q·(−log p) = 4.55470487 + 0.58785949 = 5.14256436, divided by w_0 + w_2 = 3: 1.71418812.
        ["cross-entropy, weighted and smoothed"] = new(new SoftmaxCrossEntropy(0.1f, [2f, 1f, 1f]), OneTwoThreeTwice, [2, 3],
            [0f, 2f], [2], 1.71418812039500),
        // Probabilities (0.5, 0, 0.5): 0.5·2.40760596 + 0.5·0.40760596 = 1.40760596; gradient = softmax − target.
        ["cross-entropy, soft labels"] = new(new SoftmaxCrossEntropy(), OneTwoThree, [1, 3], [0.5f, 0f, 0.5f], [1, 3],
            1.40760596444438, [0.09003057317 - 0.5, 0.24472847105, 0.66524096 - 0.5]),
        // Logits ±1e4: log-softmax (1e4, −1e4, 0) = (0, −2e4, −1e4) exactly; target 1 costs 2e4; softmax = (1, 0, 0).
        ["cross-entropy, logits ±1e4"] = new(new SoftmaxCrossEntropy(), [1e4f, -1e4f, 0f, 1e4f, -1e4f, 0f], [2, 3], [0f, 1f], [2],
            1e4, [0, 0, 0, 0.5, -0.5, 0], 0),
        // Label smoothing with logits ±1e4 stays finite: 0.9·2e4 + (0.1/3)·(0 + 2e4 + 1e4) = 18000 + 1000 = 19000.
        ["cross-entropy, smoothed, logits ±1e4"] = new(new SoftmaxCrossEntropy(0.1f), [1e4f, -1e4f, 0f], [1, 3], [1f], [1],
            19000, [1 - 0.1 / 3, -0.9 - 0.1 / 3, -0.1 / 3], 1e-6),
        // Pixels (0, 0) → 0, (1, −1) → 1, (2, 0) ignored: −log p = log 2 = 0.69314718 and 1 + log(e + e⁻¹) = 2.12692801;
        // weights (1, 3): (0.69314718 + 3·2.12692801) / (1 + 3) = 7.07393121 / 4 = 1.76848280.
        ["pixel-wise, weighted, one pixel ignored"] = new(new PixelwiseCrossEntropy([1f, 3f], ignoreIndex: -100),
            [0f, 1f, 2f, 0f, -1f, 0f], [1, 2, 1, 3], [0f, 1f, -100f], [1, 1, 3], 1.76848280342222),
        // Unweighted: (0.69314718 + 2.12692801) / 2 = 1.41003760; pixel 0's gradient (0.5 − 1, 0.5) / 2.
        ["pixel-wise"] = new(new PixelwiseCrossEntropy(ignoreIndex: 255), [0f, 1f, 2f, 0f, -1f, 0f], [1, 2, 1, 3],
            [0f, 1f, 255f], [1, 1, 3], 1.41003759580146,
            [-0.25, 0.88079708 / 2, 0, 0.25, -0.88079708 / 2, 0]),
        // One pixel, logits (0, 0) → p = (½, ½), target 0, smooth 1: dice₀ = (1 + 1) / (1.5 + 1) = 0.8, dice₁ = 1 / 1.5;
        // loss = 1 − (0.8 + 0.6667) / 2 = 0.26667. ∂/∂p = (−0.24, 0.22222); through softmax ±0.5·0.23111 = ±0.11556.
        ["dice, one pixel"] = new(new DiceLoss(), [0f, 0f], [1, 2, 1, 1], [0f], [1, 1, 1], 0.266666666666667,
            [-0.115555555555556, 0.115555555555556]),
        // Only ignored pixels: every dice_c = s / s = 1, loss 0, no gradient.
        ["dice, every pixel ignored"] = new(new DiceLoss(ignoreIndex: 255), [3f, -1f], [1, 2, 1, 1], [255f], [1, 1, 1], 0, [0, 0], 0),
        ["pixel-wise, every pixel ignored"] = new(new PixelwiseCrossEntropy(ignoreIndex: 255), [0f, 1f], [1, 2, 1, 1], [255f],
            [1, 1, 1], 0, [0, 0], 0),
        ["pixel-wise, logits ±1e4"] = new(new PixelwiseCrossEntropy(), [1e4f, -1e4f, 0f], [1, 3, 1, 1], [1f], [1, 1, 1], 2e4,
            [1, -1, 0], 0),
        // x (0, 2, −1), y (1, 0, 1): log 2 = 0.69314718, log(1 + e²) = 2.12692801, log(1 + e) = 1.31326169;
        // mean 4.13333688 / 3 = 1.37777896; gradient (σ(x) − y) / 3 = (−0.5, 0.88079708, −0.73105858) / 3.
        ["BCE with logits"] = new(new BinaryCrossEntropyWithLogits(), [0f, 2f, -1f], [1, 3], [1f, 0f, 1f], [1, 3],
            1.37777895970705, [-0.5 / 3, 0.88079707798 / 3, -0.73105857863 / 3]),
        // pos_weight 3 on the positives: (3·0.69314718 + 2.12692801 + 3·1.31326169) / 3 = 8.14615462 / 3 = 2.71538487.
        ["BCE with logits, posWeight"] = new(new BinaryCrossEntropyWithLogits([3f]), [0f, 2f, -1f], [3, 1], [1f, 0f, 1f], [3, 1],
            2.71538487175916),
        // x ±1e4: right answers cost 0, wrong ones 1e4: (0 + 0 + 1e4 + 1e4) / 4 = 5000; gradient (σ(x) − y) / 4.
        ["BCE with logits, logits ±1e4"] = new(new BinaryCrossEntropyWithLogits(), [1e4f, -1e4f, 1e4f, -1e4f], [4],
            [1f, 0f, 0f, 1f], [4], 5000, [0, 0, 0.25, -0.25], 0),
        // (x, y) = (0, 1): p_t = 0.5, α_t = 0.25: 0.25·0.5²·log 2 = 0.04332170;
        // (2, 0): p_t = 1 − σ(2) = 0.11920292, α_t = 0.75: 0.75·0.88079708²·2.12692801 = 1.23755863; mean 0.64044017.
        ["focal"] = new(new FocalLoss(), [0f, 2f], [2], [1f, 0f], [2], 0.64044016667553),
        // x ±1e4: (1e4, 0) → α_t·ce·1 = 0.75·1e4; (−1e4, 1) → 0.25·1e4; right answers → 0 (m = 0); mean 1e4 / 4 = 2500.
        // ∂ℓ/∂x = α_t·(p − y) there (the γ term has p·q = 0): (0.75, −0.25, 0, 0) / 4.
        ["focal, logits ±1e4"] = new(new FocalLoss(), [1e4f, -1e4f, 1e4f, -1e4f], [4], [0f, 1f, 1f, 0f], [4], 2500,
            [0.1875, -0.0625, 0, 0], 0),
        // ((1 − 1)² + (2 − 0)² + (3 − 5)²) / 3 = 8 / 3; gradient 2·(x − y) / 3.
        ["MSE"] = new(new MeanSquaredError(), [1f, 2f, 3f], [3], [1f, 0f, 5f], [3], 8.0 / 3, [0, 4.0 / 3, -4.0 / 3]),
        // d = (0.5, −2, 1), β = 1: 0.5·0.25 + (2 − 0.5) + (1 − 0.5) = 2.125, / 3 = 0.70833333; gradient (0.5, −1, 1) / 3.
        ["SmoothL1"] = new(new SmoothL1(), [0.5f, -2f, 1f], [3], [0f, 0f, 0f], [3], 2.125 / 3, [0.5 / 3, -1.0 / 3, 1.0 / 3]),
        // d = (0.25, −2), β = 0.5: 0.5·0.0625 / 0.5 + (2 − 0.25) = 1.8125, / 2 = 0.90625; gradient (0.5, −1) / 2.
        ["SmoothL1 beta 0.5"] = new(new SmoothL1(0.5f), [1.25f, -1f], [2], [1f, 1f], [2], 0.90625, [0.25, -0.5]),
        // a = (0, 0), p = (3, 4), n = (0, 1): ‖a − p + 1e-6‖ = ‖(−2.999999, −3.999999)‖ = 4.9999986,
        // ‖a − n + 1e-6‖ = ‖(1e-6, −0.999999)‖ = 0.999999; 4.9999986 − 0.999999 + 1 = 4.9999996.
        ["triplet"] = new(new TripletMarginLoss(), [0f, 0f, 3f, 4f, 0f, 1f], [3, 2], [0f], [1], 4.9999996),
        // Same with margin 1 and n = p: ‖a − p‖ − ‖a − n‖ + 1 = 1 > 0, but a − p and a − n cancel in ∂/∂a.
        ["triplet, negative equals positive"] = new(new TripletMarginLoss(), [0f, 0f, 3f, 4f, 3f, 4f], [3, 2], [0f], [1], 1,
            [0, 0, 0.6, 0.8, -0.6, -0.8], 1e-6),
        // n far away: 5 − 10 + 1 < 0, nothing to learn.
        ["triplet, inactive"] = new(new TripletMarginLoss(), [0f, 0f, 3f, 4f, 6f, 8f], [3, 2], [0f], [1], 0, [0, 0, 0, 0, 0, 0], 0),
    };

    public static IEnumerable<object[]> HandNames => HandRows.Keys.Select(name => new object[] { name });

    [TestMethod]
    [DynamicData(nameof(HandNames))]
    public void HandComputed(string name)
    {
        var h = HandRows[name];
        var gradient = new Tensor(h.Shape);
        double loss = h.Loss.Compute(Tensor.FromArray(h.X, h.Shape), Tensor.FromArray(h.Target, h.TargetShape), gradient);
        Approx.AssertClose([h.Expected], [loss], h.Tolerance, name + " loss");
        if (h.Gradient is not null)
            Approx.AssertClose(h.Gradient, gradient.Span, Math.Max(h.Tolerance, 1e-6), name + " gradient");
    }

    /// <summary>A call that must fail: the parameter it names and parts of its message.</summary>
    private sealed record Bad(Action Call, string Parameter, params string[] MessageParts);

    private static Action Compute(ILoss loss, Tensor x, Tensor target) => () => loss.Compute(x, target, new Tensor(x.Shape));

    private static Tensor WithValue(Tensor tensor, int at, float value)
    {
        tensor.Span[at] = value;
        return tensor;
    }

    private static readonly Dictionary<string, Bad> BadRows = new()
    {
        ["CE rank"] = new(Compute(new SoftmaxCrossEntropy(), new Tensor(2, 3, 4), new Tensor(2)), "prediction", "rank 2", "[2, 3, 4]"),
        ["CE target shape"] = new(Compute(new SoftmaxCrossEntropy(), new Tensor(2, 3), new Tensor(3)), "target", "[3]", "[2]"),
        ["CE class out of range"] = new(Compute(new SoftmaxCrossEntropy(), new Tensor(2, 3), Tensor.FromArray([0f, 3f], 2)),
            "target", "target[1] is 3", "C = 3"),
        ["CE class not an integer"] = new(Compute(new SoftmaxCrossEntropy(), new Tensor(2, 3), Tensor.FromArray([1.5f, 0f], 2)),
            "target", "target[0] is 1.5"),
        ["CE NaN"] = new(Compute(new SoftmaxCrossEntropy(), WithValue(new Tensor(2, 3), 5, float.NaN), new Tensor(2)),
            "prediction", "prediction[1, 2] is NaN"),
        ["CE gradient shape"] = new(() => new SoftmaxCrossEntropy().Compute(new Tensor(2, 3), new Tensor(2), new Tensor(3, 2)),
            "gradient", "[3, 2]", "[2, 3]"),
        ["CE weights per class"] = new(Compute(new SoftmaxCrossEntropy(0f, [1f, 2f]), new Tensor(2, 3), new Tensor(2)),
            "classWeights", "2 entries", "3 classes"),
        ["CE negative weight"] = new(() => _ = new SoftmaxCrossEntropy(0f, [1f, -2f]), "classWeights", "classWeights[1] is -2"),
        ["CE smoothing"] = new(() => _ = new SoftmaxCrossEntropy(1.5f), "labelSmoothing", "1.5"),
        ["CE soft labels outside [0, 1]"] = new(Compute(new SoftmaxCrossEntropy(), new Tensor(2, 3), WithValue(new Tensor(2, 3), 4, 2f)),
            "target", "[0, 1]", "2"),
        ["pixel-wise target shape"] = new(Compute(new PixelwiseCrossEntropy(), new Tensor(2, 3, 4, 5), new Tensor(2, 4, 4)),
            "target", "[2, 4, 4]", "[2, 4, 5]"),
        ["pixel-wise class out of range"] = new(Compute(new PixelwiseCrossEntropy(ignoreIndex: 255), new Tensor(1, 3, 2, 2),
            Tensor.FromArray([0f, 2f, 255f, 7f], 1, 2, 2)), "target", "target[0, 1, 1] is 7", "C = 3"),
        ["pixel-wise NaN"] = new(Compute(new PixelwiseCrossEntropy(), WithValue(new Tensor(1, 3, 2, 2), 7, float.NaN),
            new Tensor(1, 2, 2)), "prediction", "prediction[0, 1, 1, 1] is NaN"),
        ["BCE target shape"] = new(Compute(new BinaryCrossEntropyWithLogits(), new Tensor(2, 3), new Tensor(3, 2)),
            "target", "[3, 2]", "[2, 3]"),
        ["BCE target outside [0, 1]"] = new(Compute(new BinaryCrossEntropyWithLogits(), new Tensor(4), WithValue(new Tensor(4), 1, -0.5f)),
            "target", "[0, 1]", "-0.5"),
        ["BCE NaN target"] = new(Compute(new BinaryCrossEntropyWithLogits(), new Tensor(4), WithValue(new Tensor(4), 1, float.NaN)),
            "target", "[0, 1]"),
        ["BCE posWeight"] = new(Compute(new BinaryCrossEntropyWithLogits([1f, 2f]), new Tensor(2, 3), new Tensor(2, 3)),
            "posWeight", "2 entries", "[2, 3]"),
        ["focal gamma"] = new(() => _ = new FocalLoss(gamma: -1f), "gamma", "-1"),
        ["dice smooth"] = new(() => _ = new DiceLoss(-1f), "smooth", "-1"),
        ["dice smooth 0"] = new(() => _ = new DiceLoss(0f), "smooth", "> 0"),
        ["dice class out of range"] = new(Compute(new DiceLoss(), new Tensor(1, 3, 2, 2), Tensor.FromArray([0f, 2f, 1f, 3f], 1, 2, 2)),
            "target", "target[0, 1, 1] is 3", "C = 3"),
        ["focal alpha"] = new(() => _ = new FocalLoss(alpha: 2f), "alpha", "2"),
        ["MSE NaN target"] = new(Compute(new MeanSquaredError(), new Tensor(2, 2), WithValue(new Tensor(2, 2), 3, float.NaN)),
            "target", "target[1, 1] is NaN"),
        ["MSE NaN prediction"] = new(Compute(new MeanSquaredError(), WithValue(new Tensor(1, 2, 3, 4), 23, float.NaN),
            new Tensor(1, 2, 3, 4)), "prediction", "prediction[0, 1, 2, 3] is NaN"),
        ["SmoothL1 beta"] = new(() => _ = new SmoothL1(-1f), "beta", "-1"),
        ["triplet rows"] = new(Compute(new TripletMarginLoss(), new Tensor(4, 2), new Tensor(1)), "prediction", "[4, 2]", "multiple of 3"),
        ["triplet p"] = new(() => _ = new TripletMarginLoss(p: 0.5f), "p", "0.5"),
    };

    public static IEnumerable<object[]> BadNames => BadRows.Keys.Select(name => new object[] { name });

    [TestMethod]
    [DynamicData(nameof(BadNames))]
    public void BadArgumentsNameTheParameterAndWhatWasSeen(string name)
    {
        var bad = BadRows[name];
        ArgumentAssert.Throws(bad.Call, bad.Parameter, bad.MessageParts);
    }
}
