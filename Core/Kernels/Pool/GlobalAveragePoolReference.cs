using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="GlobalAveragePool"/>.</summary>
internal static class GlobalAveragePoolReference
{
    // input [N, C, H, W] → output [N, C, 1, 1]: the mean of each plane
    public static void Forward<T>(TensorShape inputShape, ReadOnlySpan<T> input, Span<T> output)
        where T : IFloatingPointIeee754<T>
    {
        int planeSize = inputShape[2] * inputShape[3];
        for (int p = 0; p < inputShape[0] * inputShape[1]; p++)
        {
            T sum = T.Zero;
            for (int i = 0; i < planeSize; i++) sum += input[p * planeSize + i];
            output[p] = sum / T.CreateChecked(planeSize);
        }
    }

    // gradOutput [N, C, 1, 1] → gradInput [N, C, H, W]: every cell of plane p gets gradOutput[p] / (H·W)
    public static void Backward<T>(TensorShape inputShape, ReadOnlySpan<T> gradOutput, Span<T> gradInput)
        where T : IFloatingPointIeee754<T>
    {
        int planeSize = inputShape[2] * inputShape[3];
        for (int p = 0; p < inputShape[0] * inputShape[1]; p++)
            for (int i = 0; i < planeSize; i++)
                gradInput[p * planeSize + i] = gradOutput[p] / T.CreateChecked(planeSize);
    }
}
