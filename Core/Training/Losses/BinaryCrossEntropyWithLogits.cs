using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>
/// Binary cross-entropy on logits, as PyTorch's BCEWithLogitsLoss with reduction "mean": targets in [0, 1] of the
/// prediction's shape; the optional positive weight has one entry per position of the last axis (a [C] pos_weight
/// broadcast over [N, C], as in PyTorch) and scales the loss of the positive targets. Written with log(1 + e^(−|x|)),
/// so logits of any finite size give a finite loss.
/// </summary>
public sealed class BinaryCrossEntropyWithLogits : ElementwiseLoss
{
    private readonly float[]? _posWeight;

    /// <param name="posWeight">The weight of the positive term per output (PyTorch's pos_weight); null for 1.</param>
    public BinaryCrossEntropyWithLogits(float[]? posWeight = null) : base(targetsAreProbabilities: true) =>
        _posWeight = LossArguments.Weights(posWeight, nameof(posWeight));

    private protected override void CheckShape(Tensor prediction)
    {
        int last = prediction.Shape[prediction.Shape.Rank - 1];
        if (_posWeight is not null && _posWeight.Length != last)
            throw new ArgumentException(
                $"posWeight has {_posWeight.Length} entries but the last axis of prediction {prediction.Shape} has {last}.",
                "posWeight");
    }

    // softplus(−x) = log(1 + e^(−|x|)) + max(−x, 0),  v = (pw − 1)·y:
    //   ℓ = (1 − y)·x + (1 + v)·softplus(−x)  = max(x, 0) − x·y + log(1 + e^(−|x|)) + v·softplus(−x)
    //   ∂ℓ/∂x = σ(x) − y − v·σ(−x)
    private protected override double SumChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        Span<float> scratch, int offset)
    {
        Span<float> log1p = Part(scratch, 0), term = Part(scratch, 1), v = Part(scratch, 2), t = Part(scratch, 3);
        TensorPrimitives.Abs(x, log1p);
        TensorPrimitives.Negate(log1p, log1p);
        TensorPrimitives.Exp(log1p, log1p);
        TensorPrimitives.LogP1(log1p, log1p);
        TensorPrimitives.Max(x, 0f, term);
        TensorPrimitives.Multiply(x, y, t);
        TensorPrimitives.Subtract(term, t, term);
        TensorPrimitives.Add(term, log1p, term);
        double sum = TensorPrimitives.Sum(term);
        TensorPrimitives.Sigmoid(x, dx);
        TensorPrimitives.Subtract(dx, y, dx);
        if (_posWeight is null) return sum;

        for (int i = 0; i < v.Length; i++) v[i] = (_posWeight[(offset + i) % _posWeight.Length] - 1f) * y[i];
        TensorPrimitives.Negate(x, t);
        TensorPrimitives.Max(t, 0f, term);
        TensorPrimitives.Add(term, log1p, term); // softplus(−x)
        sum += TensorPrimitives.Dot(v, term);
        TensorPrimitives.Sigmoid(t, t); // σ(−x)
        TensorPrimitives.Multiply(t, v, t);
        TensorPrimitives.Subtract(dx, t, dx);
        return sum;
    }
}
