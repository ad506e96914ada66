using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>Mean squared error, as PyTorch's MSELoss with reduction "mean".</summary>
public sealed class MeanSquaredError() : ElementwiseLoss(targetsAreProbabilities: false)
{
    // ℓ = (x − y)²,  ∂ℓ/∂x = 2·(x − y)
    private protected override double SumChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        Span<float> scratch, int offset)
    {
        TensorPrimitives.Subtract(x, y, dx);
        double sum = TensorPrimitives.SumOfSquares(dx);
        TensorPrimitives.Multiply(dx, 2f, dx);
        return sum;
    }
}
