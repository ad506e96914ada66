using System.Runtime.Intrinsics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The error function (ONNX Erf; GELU is x·(1 + erf(x/√2))/2): y = erf(x);  dx = dy · (2/√π)·e^−x². .NET has no erf:
/// <see cref="VectorFunctions.Erf(Vector256{float})"/> is the Maclaurin series below |x| = 0.5 and Abramowitz &amp; Stegun's
/// 7.1.26 above, within 1e-6 of the exact value. Backward uses the input.
/// </summary>
public sealed class Erf : Activation
{
    /// <inheritdoc/>
    public override SavedTensor BackwardUses => SavedTensor.Input;

    private protected override void ForwardTile(ReadOnlySpan<float> x, Span<float> y, VectorWidth width) =>
        VectorLoop.Apply(new Function(), x, y, width);

    private protected override bool TilesInPlace => true;

    private protected override void BackwardTile(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        VectorWidth width) => VectorLoop.Apply(new Derivative(), x, dy, dx, width);

    private readonly struct Function : IUnaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x) => VectorFunctions.Erf(x);

        public Vector256<float> Invoke(Vector256<float> x) => VectorFunctions.Erf(x);
    }

    /// <summary>(x, dy) ↦ dy·(2/√π)·e^−x².</summary>
    private readonly struct Derivative : IBinaryVectorOperator
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            dy * Vector512.Exp(-(x * x)) * VectorFunctions.TwoOverSqrtPi;

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            dy * Vector256.Exp(-(x * x)) * VectorFunctions.TwoOverSqrtPi;
    }
}
