using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// The loss of a <see cref="YoloHead"/> output against ground-truth boxes, with its gradient with respect to the output.
/// Targets come from <see cref="YoloAssignment"/>; then, per image and summed over its positions,
/// <code>
///   loss_n = w_obj·Σ_(p not ignored) ℓ_obj(o_p, 1[p positive]) + w_box·Σ_(p positive) ℓ_box(decode(t_p), box_p)
///          + w_cls·Σ_(p positive) −log softmax(class logits_p)[class_p]
/// </code>
/// with ℓ_box = 1 − GIoU, or smooth L1 of the corners in cells (<see cref="YoloLossOptions.BoxLoss"/>), and the loss is the
/// mean over the N images, Σ_n loss_n / N. The box term acts on the decoded boxes, so its gradient
/// flows back through x1,2 = (j + σ(tx))·s ∓ a_w·e^tw / 2 (likewise y with ty, th): ∂/∂tx = s·σ(tx)(1 − σ(tx))·(g_x1 + g_x2),
/// ∂/∂tw = a_w·e^tw/2·(g_x2 − g_x1), 0 where tw is clamped. The assignment (and its ignore mask, which reads the
/// decoded predictions) is a constant of each call: no gradient flows through it, as in YOLOv3.
/// <para>The targets are lists of boxes per image (<see cref="Compute(Tensor, IReadOnlyList{IReadOnlyList{GroundTruthBox}}, Tensor)"/>),
/// or, as <see cref="Training.ILoss"/> for <see cref="Training.Trainer"/>, a detection target tensor [N, maxObjects, 5]
/// read through <see cref="DetectionTargets"/>. The math is generic (float for training, double for gradient checks).</para>
/// </summary>
public sealed class YoloLoss : Training.ILoss
{
    /// <param name="head">The head whose output [N, A·(5 + K), Gh, Gw] the loss reads.</param>
    /// <param name="options">Loss weights, box loss and assignment settings; null takes the defaults.</param>
    public YoloLoss(YoloHead head, YoloLossOptions? options = null)
    {
        Head = head ?? throw new ArgumentNullException(nameof(head));
        Options = options ?? new YoloLossOptions();
        foreach (var (weight, name) in new[] { (Options.BoxWeight, "BoxWeight"), (Options.ObjectnessWeight, "ObjectnessWeight"), (Options.ClassWeight, "ClassWeight") })
            if (!(weight >= 0 && float.IsFinite(weight)))
                throw new ArgumentException($"{name} must be finite and ≥ 0; {weight} was given.", nameof(options));
        if (Options.FocalGamma is { } gamma && !(gamma >= 0 && float.IsFinite(gamma)))
            throw new ArgumentException($"FocalGamma must be finite and ≥ 0; {gamma} was given.", nameof(options));
        if (!(float.IsFinite(Options.FocalAlpha) && Options.FocalAlpha <= 1))
            throw new ArgumentException($"FocalAlpha must be in [0, 1], or negative for none; {Options.FocalAlpha} was given.", nameof(options));
    }

    /// <summary>The head whose output the loss reads.</summary>
    public YoloHead Head { get; }
    /// <summary>The loss weights, box loss and assignment settings.</summary>
    public YoloLossOptions Options { get; }

    /// <summary>The loss of <paramref name="prediction"/> [N, A·(5 + K), H, W]; writes ∂loss/∂prediction into <paramref name="gradient"/> (same shape).</summary>
    public double Compute(Tensor prediction, IReadOnlyList<IReadOnlyList<GroundTruthBox>> groundTruth, Tensor gradient)
    {
        var grid = Head.GridOf(prediction);
        ArgumentNullException.ThrowIfNull(gradient);
        if (!gradient.Shape.Equals(prediction.Shape))
            throw new ArgumentException($"gradient is {gradient.Shape}; expected the prediction's shape {prediction.Shape}.", nameof(gradient));
        return Compute<float>(prediction.Span, grid, groundTruth, gradient.Span);
    }

    /// <summary>
    /// The loss of <paramref name="prediction"/> [N, A·(5 + K), H, W] against a detection target tensor [N, maxObjects, 5]
    /// (rows (classId, x0, y0, x1, y1), padding rows with class −1; see <see cref="DetectionTargets"/>): the list overload
    /// on the boxes the rows hold. Writes ∂loss/∂prediction into <paramref name="gradient"/>.
    /// </summary>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Shape.Rank != 3 || target.Shape[0] != prediction.Shape[0] || target.Shape[2] != DetectionTargets.RowLength)
            throw new ArgumentException(
                $"The detection target is {target.Shape}; expected [{prediction.Shape[0]}, maxObjects, {DetectionTargets.RowLength}] " +
                "rows (classId, x0, y0, x1, y1), one block per image of the prediction.", nameof(target));
        int rowLength = target.Length / target.Shape[0];
        var groundTruth = new GroundTruthBox[target.Shape[0]][];
        for (int n = 0; n < groundTruth.Length; n++) groundTruth[n] = DetectionTargets.Read(target.Span.Slice(n * rowLength, rowLength));
        return Compute(prediction, groundTruth, gradient);
    }

    /// <summary>As the tensor overload, on flat [N, A·(5 + K), H, W] spans; <paramref name="gradient"/> is overwritten.</summary>
    public T Compute<T>(ReadOnlySpan<T> prediction, YoloGrid grid, IReadOnlyList<IReadOnlyList<GroundTruthBox>> groundTruth,
        Span<T> gradient) where T : IFloatingPointIeee754<T>
    {
        var targets = YoloAssignment.Assign(Head, prediction, grid, groundTruth, Options.Assignment);
        BoxCheck.Length<T>(gradient, prediction.Length, nameof(gradient), "the prediction's shape");
        gradient.Clear();
        T perImage = T.One / T.CreateChecked(grid.Batch);
        T objectnessWeight = T.CreateChecked(Options.ObjectnessWeight) * perImage;
        T boxWeight = T.CreateChecked(Options.BoxWeight) * perImage, classWeight = T.CreateChecked(Options.ClassWeight) * perImage;
        T total = T.Zero;
        for (int n = 0; n < grid.Batch; n++)
            for (int a = 0; a < Head.AnchorCount; a++)
                for (int i = 0; i < grid.Height; i++)
                    for (int j = 0; j < grid.Width; j++)
                    {
                        int p = targets.Position(n, a, i, j);
                        if (!targets.Ignore[p])
                        {
                            int o = Head.Index(grid, n, a, YoloHead.Objectness, i, j);
                            total += objectnessWeight * Objectness(prediction[o], T.CreateChecked(targets.Objectness(p)), out T dObjectness);
                            gradient[o] = objectnessWeight * dObjectness;
                        }
                        if (targets.AssignedBox[p] < 0) continue;
                        total += boxWeight * BoxTerm(prediction, grid, n, a, i, j, targets.Boxes.AsSpan(4 * p, 4), boxWeight, gradient);
                        total += classWeight * ClassTerm(prediction, grid, n, a, i, j, targets.ClassIds[p], classWeight, gradient);
                    }
        return total;
    }

    // Binary cross-entropy or focal loss of one logit x against y ∈ {0, 1}, and its derivative (see FocalLoss's formulas):
    //   ce = max(x, 0) − x·y + log(1 + e^(−|x|)),  p = σ(x),  m = 1 − p_t = y·(1 − p) + (1 − y)·p,  α_t = α·y + (1 − α)(1 − y)
    //   focal = α_t·ce·m^γ,  ∂focal/∂x = α_t·[(p − y)·m^γ + γ·ce·m^(γ−1)·p·(1 − p)·(1 − 2y)]
    private T Objectness<T>(T x, T y, out T derivative) where T : IFloatingPointIeee754<T>
    {
        T ce = T.Max(x, T.Zero) - x * y + T.Log(T.One + T.Exp(-T.Abs(x)));
        T p = YoloHead.Sigmoid(x);
        if (Options.FocalGamma is not { } focalGamma)
        {
            derivative = p - y;
            return ce;
        }
        T gamma = T.CreateChecked(focalGamma), alpha = T.CreateChecked(Options.FocalAlpha);
        T m = y * (T.One - p) + (T.One - y) * p;
        T alphaT = alpha < T.Zero ? T.One : alpha * y + (T.One - alpha) * (T.One - y);
        T power = T.Pow(m, gamma);
        T slope = m > T.Zero ? gamma * ce * T.Pow(m, gamma - T.One) * p * (T.One - p) * (T.One - y - y) : T.Zero;
        derivative = alphaT * ((p - y) * power + slope);
        return alphaT * ce * power;
    }

    // The box loss (1 − GIoU, or smooth L1 of the corners in cells) of the decoded box against the target; adds
    // weight·∂/∂(tx, ty, tw, th) into the gradient.
    private T BoxTerm<T>(ReadOnlySpan<T> prediction, YoloGrid grid, int n, int a, int i, int j, ReadOnlySpan<float> target,
        T weight, Span<T> gradient) where T : IFloatingPointIeee754<T>
    {
        T[] box = new T[4], truth = new T[4], boxGradient = new T[4], loss = new T[1];
        Head.DecodeBox(prediction, grid, n, a, i, j, box);
        for (int k = 0; k < 4; k++) truth[k] = T.CreateChecked(target[k]);
        T s = T.CreateChecked(Head.Stride);
        if (Options.BoxLoss == YoloBoxLoss.GeneralizedIoU)
        {
            GeneralizedIouLoss.Forward<T>(box, truth, loss);
            GeneralizedIouLoss.Backward<T>(box, truth, [weight], boxGradient);
        }
        else
        {
            // corners in cells: ℓ(box/s, truth/s), so ∂ℓ/∂box = ∂ℓ/∂(box/s) / s
            for (int k = 0; k < 4; k++) (box[k], truth[k]) = (box[k] / s, truth[k] / s);
            SmoothL1BoxLoss.Forward<T>(box, truth, T.One, loss);
            SmoothL1BoxLoss.Backward<T>(box, truth, T.One, [weight], boxGradient);
            for (int k = 0; k < 4; k++) (box[k], boxGradient[k]) = (box[k] * s, boxGradient[k] / s);
        }

        int x = Head.Index(grid, n, a, YoloHead.Tx, i, j), y = Head.Index(grid, n, a, YoloHead.Ty, i, j);
        int w = Head.Index(grid, n, a, YoloHead.Tw, i, j), h = Head.Index(grid, n, a, YoloHead.Th, i, j);
        T sx = YoloHead.Sigmoid(prediction[x]), sy = YoloHead.Sigmoid(prediction[y]);
        gradient[x] += s * sx * (T.One - sx) * (boxGradient[0] + boxGradient[2]);
        gradient[y] += s * sy * (T.One - sy) * (boxGradient[1] + boxGradient[3]);
        gradient[w] += LogScaleDerivative(prediction[w], box[2] - box[0], boxGradient[2] - boxGradient[0]);
        gradient[h] += LogScaleDerivative(prediction[h], box[3] - box[1], boxGradient[3] - boxGradient[1]);
        return loss[0];
    }

    // x2 − x1 = size = a·e^t: ∂x1/∂t = −size/2, ∂x2/∂t = size/2; nothing past the clamp.
    private static T LogScaleDerivative<T>(T t, T size, T gradientDifference) where T : IFloatingPointIeee754<T> =>
        t > T.CreateChecked(YoloHead.MaxLogScale) ? T.Zero : size / T.CreateChecked(2) * gradientDifference;

    // −log softmax(z)[c] = logsumexp(z) − z_c;  ∂/∂z = softmax(z) − onehot(c).
    private T ClassTerm<T>(ReadOnlySpan<T> prediction, YoloGrid grid, int n, int a, int i, int j, int classId, T weight,
        Span<T> gradient) where T : IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        for (int c = 0; c < Head.ClassCount; c++)
            max = T.Max(max, prediction[Head.Index(grid, n, a, YoloHead.FirstClass + c, i, j)]);
        T sum = T.Zero;
        for (int c = 0; c < Head.ClassCount; c++)
            sum += T.Exp(prediction[Head.Index(grid, n, a, YoloHead.FirstClass + c, i, j)] - max);
        T logSumExp = max + T.Log(sum);
        for (int c = 0; c < Head.ClassCount; c++)
        {
            int index = Head.Index(grid, n, a, YoloHead.FirstClass + c, i, j);
            T probability = T.Exp(prediction[index] - logSumExp);
            gradient[index] += weight * (c == classId ? probability - T.One : probability);
        }
        return logSumExp - prediction[Head.Index(grid, n, a, YoloHead.FirstClass + classId, i, j)];
    }
}
