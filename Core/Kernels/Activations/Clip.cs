using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Clip (ONNX Clip, torch.clamp): y = min(max(x, <see cref="Min"/>), <see cref="Max"/>);  dx = dy · [min &lt; y &lt; max].
/// Either bound may be infinite. Backward uses the output. <see cref="ReLU6"/> is Clip(0, 6).
/// </summary>
public class Clip : Activation
{
    /// <param name="min">The lower bound (may be −∞).</param>
    /// <param name="max">The upper bound, above <paramref name="min"/> (may be +∞).</param>
    public Clip(float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max) || !(min < max))
            throw new ArgumentException($"Clip needs min < max; [{min}, {max}] was given.", nameof(min));
        Min = min;
        Max = max;
    }

    /// <summary>The lower bound.</summary>
    public float Min { get; }
    /// <summary>The upper bound.</summary>
    public float Max { get; }

    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Output;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) => TensorPrimitives.Clamp(x, Min, Max, y);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(Min, Max), y, dy, dx, width);

    /// <inheritdoc/>
    public override string ToString() => $"Clip({Min}, {Max})";

    /// <summary>(y, dy) ↦ min &lt; y &lt; max ? dy : 0.</summary>
    private readonly struct Derivative(float min, float max) : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(
            Vector512.GreaterThan(y, Vector512.Create(min)) & Vector512.LessThan(y, Vector512.Create(max)),
            dy, Vector512<float>.Zero);

        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(
            Vector256.GreaterThan(y, Vector256.Create(min)) & Vector256.LessThan(y, Vector256.Create(max)),
            dy, Vector256<float>.Zero);
    }
}
