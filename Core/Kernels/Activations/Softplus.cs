using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Softplus (ONNX Softplus, torch.nn.Softplus with β = 1): y = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^−|x|), which
/// neither overflows nor loses e^x for very negative x;  dx = dy · σ(x). Backward uses the input.
/// </summary>
public sealed class Softplus : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) =>
        VectorLoop.Apply(new Function(), x, y, width);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    /// <summary>x ↦ max(x, 0) + log1p(e^−|x|).</summary>
    private readonly struct Function : IUnaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.Max(x, Vector512<float>.Zero) + VectorFunctions.Log1P(Vector512.Exp(-Vector512.Abs(x)));

        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.Max(x, Vector256<float>.Zero) + VectorFunctions.Log1P(Vector256.Exp(-Vector256.Abs(x)));
    }

    /// <summary>(x, dy) ↦ dy / (1 + e^−x); e^−x overflows to ∞ for x &lt; −88, where σ = 0 is right.</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => dy / (Vector512<float>.One + Vector512.Exp(-x));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => dy / (Vector256<float>.One + Vector256.Exp(-x));
    }
}
