using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Triplet margin loss on embeddings, as PyTorch's TripletMarginLoss with reduction "mean" (swap off).
/// <para>Layout: prediction is [3N, D], the three groups stacked as blocks (not interleaved): rows [0, N) are the
/// anchors a, rows [N, 2N) the positives p, rows [2N, 3N) the negatives n; row i of each block forms triplet i.
/// The target is not used (any tensor may be passed).</para>
/// </summary>
public sealed class TripletMarginLoss : ILoss
{
    private readonly float _margin, _p;

    /// <param name="margin">The margin the negative must be farther than the positive.</param>
    /// <param name="p">The norm degree of the distances (2: Euclidean).</param>
    public TripletMarginLoss(float margin = 1f, float p = 2f)
    {
        _margin = LossArguments.AtLeast(margin, 0f, nameof(margin));
        _p = LossArguments.AtLeast(p, 1f, nameof(p));
    }

    // x [3N, D] (a, p, n blocks), gradient [3N, D];  v = a_i − p_i + eps, w = a_i − n_i + eps  (eps = 1e-6):
    //   ℓ_i = max(‖v‖_p − ‖w‖_p + margin, 0),  loss = Σ ℓ_i / N
    //   ∂‖v‖_p/∂v = sign(v)·|v|^(p−1) / ‖v‖_p^(p−1);  where ℓ_i > 0:
    //   ∂ℓ_i/∂a = ∂‖v‖/∂v − ∂‖w‖/∂w,  ∂ℓ_i/∂p = −∂‖v‖/∂v,  ∂ℓ_i/∂n = ∂‖w‖/∂w   (all 0 where ℓ_i = 0)
    /// <inheritdoc/>
    public double Compute(Tensor prediction, Tensor target, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        Require.SameShape(gradient, prediction, nameof(gradient), nameof(prediction));
        Require.Rank(prediction, 2, nameof(prediction));
        if (prediction.Shape[0] % 3 != 0)
            throw new ArgumentException(
                $"prediction has shape {prediction.Shape}; expected [3N, D] (anchors, positives, negatives stacked), " +
                $"but {prediction.Shape[0]} rows is not a multiple of 3.", nameof(prediction));
        LossArguments.NoNaN(prediction, nameof(prediction));

        int n = prediction.Shape[0] / 3, d = prediction.Shape[1];
        var x = prediction.Span;
        var g = gradient.Span;
        const float eps = (float)LossReference.PairwiseDistanceEps;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> a = x.Slice(i * d, d), pos = x.Slice((n + i) * d, d), neg = x.Slice((2 * n + i) * d, d);
            // v and w are built in the positive's and the negative's gradient rows; the anchor's row is scratch.
            Span<float> ga = g.Slice(i * d, d), gp = g.Slice((n + i) * d, d), gn = g.Slice((2 * n + i) * d, d);
            TensorPrimitives.Subtract(a, pos, gp);
            TensorPrimitives.Add(gp, eps, gp);
            TensorPrimitives.Subtract(a, neg, gn);
            TensorPrimitives.Add(gn, eps, gn);
            float toPositive = Norm(gp, ga), toNegative = Norm(gn, ga);
            float loss = toPositive - toNegative + _margin;
            if (loss <= 0f)
            {
                gp.Clear();
                gn.Clear();
                ga.Clear();
                continue;
            }
            total += loss;
            NormGradient(gp, toPositive, ga);
            NormGradient(gn, toNegative, ga);
            TensorPrimitives.Subtract(gp, gn, ga);
            TensorPrimitives.Negate(gp, gp);
        }
        TensorPrimitives.Multiply(g, 1f / n, g);
        return total / n;
    }

    /// <summary>‖v‖_p = (Σ |v_k|^p)^(1/p).</summary>
    private float Norm(ReadOnlySpan<float> v, Span<float> scratch)
    {
        TensorPrimitives.Abs(v, scratch);
        TensorPrimitives.Pow(scratch, _p, scratch);
        return MathF.Pow(TensorPrimitives.Sum(scratch), 1f / _p);
    }

    /// <summary>Overwrites v with ∂‖v‖_p/∂v = sign(v)·|v|^(p−1) / norm^(p−1).</summary>
    private void NormGradient(Span<float> v, float norm, Span<float> scratch)
    {
        TensorPrimitives.Abs(v, scratch);
        TensorPrimitives.Pow(scratch, _p - 1f, scratch);
        TensorPrimitives.CopySign(scratch, v, v);
        TensorPrimitives.Multiply(v, 1f / MathF.Pow(norm, _p - 1f), v);
    }
}
