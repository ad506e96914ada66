using System.Numerics;

namespace MLNet.Cnn.Training;

/// <summary>
/// The specification of every loss: the mean loss value in plain loops, following PyTorch's (and torchvision's)
/// definitions. The fast losses are tested against these values, and their gradients against central finite
/// differences of these functions.
/// </summary>
internal static class LossReference
{
    /// <summary>The distance offset of PyTorch's pairwise_distance (and so of its triplet margin loss).</summary>
    public const double PairwiseDistanceEps = 1e-6;

    // logits [outer, C, inner] (element (o, c, j) at (o·C + c)·inner + j); target [outer, inner] class indices, or
    // [outer, C, inner] class probabilities; classWeights [C] or empty (all 1):
    //   logp_c = x_c − m − log Σ_k e^(x_k − m),  m = max_k x_k
    //   ℓ_j = −Σ_c w_c q_c logp_c,  q = (1 − ε)·onehot(t_j) + ε/C  (indices)  or  (1 − ε)·target_j + ε/C  (probabilities)
    //   loss = Σ_j ℓ_j / Σ_j w_(t_j)  (indices; positions with t_j = ignoreIndex are skipped; 0 if none is left)
    //   loss = Σ_j ℓ_j / (outer·inner)  (probabilities)
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> target, int outer, int classes, int inner,
        T labelSmoothing, ReadOnlySpan<T> classWeights, int? ignoreIndex = null) where T : IFloatingPointIeee754<T>
    {
        bool probabilities = target.Length == logits.Length;
        T total = T.Zero, count = T.Zero, eps = labelSmoothing, c1 = T.CreateChecked(classes);
        var logp = new T[classes];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int t = probabilities ? -1 : int.CreateChecked(target[o * inner + j]);
                if (!probabilities && t == ignoreIndex) continue;
                T max = T.NegativeInfinity, sum = T.Zero;
                for (int c = 0; c < classes; c++) max = T.Max(max, logits[(o * classes + c) * inner + j]);
                for (int c = 0; c < classes; c++) sum += T.Exp(logits[(o * classes + c) * inner + j] - max);
                for (int c = 0; c < classes; c++) logp[c] = logits[(o * classes + c) * inner + j] - max - T.Log(sum);
                for (int c = 0; c < classes; c++)
                {
                    T given = probabilities ? target[(o * classes + c) * inner + j] : c == t ? T.One : T.Zero;
                    T q = (T.One - eps) * given + eps / c1;
                    total -= Weight(classWeights, c) * q * logp[c];
                }
                count += probabilities ? T.One : Weight(classWeights, t);
            }
        return count == T.Zero ? T.Zero : total / count;
    }

    // x, y [any shape, last axis D]; posWeight [D] or empty (all 1):
    //   ℓ = (1 − y)·x + (1 + (pw − 1)·y)·(log(1 + e^(−|x|)) + max(−x, 0)),  loss = mean ℓ
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> posWeight)
        where T : IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T pw = posWeight.IsEmpty ? T.One : posWeight[i % posWeight.Length];
            T softplusMinusX = T.Log(T.One + T.Exp(-T.Abs(x[i]))) + T.Max(-x[i], T.Zero);
            total += (T.One - y[i]) * x[i] + (T.One + (pw - T.One) * y[i]) * softplusMinusX;
        }
        return total / T.CreateChecked(x.Length);
    }

    // x, y [any shape] (torchvision.ops.sigmoid_focal_loss, reduction "mean"):
    //   p = σ(x),  ce = BCE-with-logits(x, y),  p_t = p·y + (1 − p)·(1 − y),  α_t = α·y + (1 − α)·(1 − y)
    //   ℓ = α_t · ce · (1 − p_t)^γ  (no α_t when α < 0),  loss = mean ℓ
    public static T SigmoidFocal<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, T gamma) where T : IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T p = T.One / (T.One + T.Exp(-x[i]));
            T ce = T.Max(x[i], T.Zero) - x[i] * y[i] + T.Log(T.One + T.Exp(-T.Abs(x[i])));
            T pt = p * y[i] + (T.One - p) * (T.One - y[i]);
            T loss = ce * T.Pow(T.One - pt, gamma);
            total += alpha < T.Zero ? loss : (alpha * y[i] + (T.One - alpha) * (T.One - y[i])) * loss;
        }
        return total / T.CreateChecked(x.Length);
    }

    // x, y [any shape]:  loss = mean (x − y)²
    public static T MeanSquaredError<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < x.Length; i++) total += (x[i] - y[i]) * (x[i] - y[i]);
        return total / T.CreateChecked(x.Length);
    }

    // x, y [any shape], d = x − y:  ℓ = 0.5·d²/β if |d| < β, else |d| − 0.5·β  (β = 0: ℓ = |d|),  loss = mean ℓ
    public static T SmoothL1<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T beta) where T : IFloatingPointIeee754<T>
    {
        T total = T.Zero, half = T.CreateChecked(0.5);
        for (int i = 0; i < x.Length; i++)
        {
            T d = T.Abs(x[i] - y[i]);
            total += d < beta ? half * d * d / beta : d - half * beta;
        }
        return total / T.CreateChecked(x.Length);
    }

    // x [3N, D]: rows [0, N) anchors a, [N, 2N) positives p, [2N, 3N) negatives n:
    //   dist(u, v) = ‖u − v + eps‖_p  (eps = 1e-6, PyTorch's pairwise_distance)
    //   ℓ_i = max(dist(a_i, p_i) − dist(a_i, n_i) + margin, 0),  loss = mean ℓ
    public static T TripletMargin<T>(ReadOnlySpan<T> x, int n, int d, T margin, T p) where T : IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < n; i++)
        {
            T toPositive = Distance(x, i * d, (n + i) * d, d, p), toNegative = Distance(x, i * d, (2 * n + i) * d, d, p);
            total += T.Max(toPositive - toNegative + margin, T.Zero);
        }
        return total / T.CreateChecked(n);
    }

    private static T Distance<T>(ReadOnlySpan<T> x, int u, int v, int d, T p) where T : IFloatingPointIeee754<T>
    {
        T sum = T.Zero, eps = T.CreateChecked(PairwiseDistanceEps);
        for (int k = 0; k < d; k++) sum += T.Pow(T.Abs(x[u + k] - x[v + k] + eps), p);
        return T.Pow(sum, T.One / p);
    }

    private static T Weight<T>(ReadOnlySpan<T> weights, int c) where T : IFloatingPointIeee754<T> =>
        weights.IsEmpty ? T.One : weights[c];

    // logits [N, C, inner], target [N, inner] class indices (ignoreIndex skipped), p = softmax over C, g = onehot(t):
    //   dice_c = (2 Σ p_c g_c + smooth) / (Σ p_c + Σ g_c + smooth)  (sums over every counted position of the batch)
    //   loss = 1 − (1/C) Σ_c dice_c
    public static T Dice<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> target, int n, int classes, int inner, T smooth, int? ignoreIndex = null)
        where T : IFloatingPointIeee754<T>
    {
        var intersection = new T[classes];
        var union = new T[classes];
        var p = new T[classes];
        for (int o = 0; o < n; o++)
            for (int j = 0; j < inner; j++)
            {
                int t = int.CreateChecked(target[o * inner + j]);
                if (t == ignoreIndex) continue;
                T max = T.NegativeInfinity, sum = T.Zero;
                for (int c = 0; c < classes; c++) max = T.Max(max, logits[(o * classes + c) * inner + j]);
                for (int c = 0; c < classes; c++) sum += p[c] = T.Exp(logits[(o * classes + c) * inner + j] - max);
                for (int c = 0; c < classes; c++)
                {
                    union[c] += p[c] / sum;
                    if (c == t) { intersection[c] += p[c] / sum; union[c] += T.One; }
                }
            }
        T loss = T.One, two = T.CreateChecked(2), count = T.CreateChecked(classes);
        for (int c = 0; c < classes; c++) loss -= (two * intersection[c] + smooth) / (union[c] + smooth) / count;
        return loss;
    }
}
