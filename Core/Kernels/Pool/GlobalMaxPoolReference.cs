using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>The specification of <see cref="GlobalMaxPool"/>, with the NaN and tie rule of <see cref="MaxPool2dReference"/>.</summary>
internal static class GlobalMaxPoolReference
{
    // input [N, C, H, W] → output [N, C, 1, 1], argmax [N·C]: the maximum of each plane and its index h·W + w
    // (the first NaN, else the first maximum, in row-major order; 0 for a plane of −∞)
    public static void Forward<T>(TensorShape inputShape, ReadOnlySpan<T> input, Span<T> output, Span<int> argmax)
        where T : IFloatingPointIeee754<T>
    {
        int planeSize = inputShape[2] * inputShape[3];
        for (int p = 0; p < inputShape[0] * inputShape[1]; p++)
        {
            int best = 0;
            for (int i = 1; i < planeSize; i++)
                if (MaxPool2dReference.Beats(input[p * planeSize + i], input[p * planeSize + best])) best = i;
            output[p] = input[p * planeSize + best];
            argmax[p] = best;
        }
    }

    // gradOutput [N, C, 1, 1], argmax from Forward → gradInput [N, C, H, W]: gradOutput[p] goes to the winning cell
    public static void Backward<T>(TensorShape inputShape, ReadOnlySpan<T> gradOutput, ReadOnlySpan<int> argmax,
        Span<T> gradInput) where T : IFloatingPointIeee754<T>
    {
        int planeSize = inputShape[2] * inputShape[3];
        gradInput.Clear();
        for (int p = 0; p < gradOutput.Length; p++)
            gradInput[p * planeSize + argmax[p]] = gradOutput[p];
    }
}
