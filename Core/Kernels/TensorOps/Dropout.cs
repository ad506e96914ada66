using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Inverted dropout: at training each element is kept with probability 1 − p and scaled by 1/(1 − p), so the
/// expected output is the input and inference is the identity. The mask holds each element's factor, 0 or
/// 1/(1 − p), drawn from the caller's <see cref="Random"/> in element order: the same seed gives the same mask.
/// </summary>
internal static class Dropout
{
    // x, y, mask [any shape, all the same; y may be x]:
    //   training:   u_i = random.NextDouble(),  mask_i = u_i ≥ p ? 1/(1 − p) : 0,  y = x ⊙ mask
    //   inference:  mask = 1, y = x   (random is not used)
    public static void Forward(Tensor x, Tensor y, Tensor mask, float p, Random random, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        Require.SameShape(y, x, nameof(y), nameof(x));
        Require.SameShape(mask, x, nameof(mask), nameof(x));
        Require.Distinct(mask, x, nameof(mask), nameof(x));
        Require.Distinct(mask, y, nameof(mask), nameof(y));
        CheckProbability(p);
        ArgumentNullException.ThrowIfNull(random);
        var m = mask.Span;
        if (!training)
        {
            m.Fill(1f);
            x.Span.CopyTo(y.Span);
            return;
        }
        float scale = 1f / (1f - p);
        for (int i = 0; i < m.Length; i++) m[i] = random.NextDouble() >= p ? scale : 0f;
        TensorPrimitives.Multiply(x.Span, m, y.Span);
    }

    // dy, mask, dx [the shape of the forward x; dx may be dy]:  dx = dy ⊙ mask
    public static void Backward(Tensor dy, Tensor mask, Tensor dx)
    {
        ArgumentNullException.ThrowIfNull(dy);
        Require.SameShape(mask, dy, nameof(mask), nameof(dy));
        Require.SameShape(dx, dy, nameof(dx), nameof(dy));
        TensorPrimitives.Multiply(dy.Span, mask.Span, dx.Span);
    }

    internal static void CheckProbability(float p)
    {
        if (!(p >= 0 && p < 1))
            throw new ArgumentException($"p, the probability of dropping an element, must be in [0, 1); {p} was given.",
                nameof(p));
    }
}
