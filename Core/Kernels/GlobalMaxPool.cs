using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>Maximum over each (n, c) plane; the fast version of <see cref="GlobalMaxPoolReference"/>.</summary>
public static unsafe class GlobalMaxPool
{
    // input [N, C, H, W] → output [N, C, 1, 1], argmax [N·C]: the maximum of each plane and its index h·W + w
    // (the first maximum in row-major order)
    public static void Forward(Tensor input, Tensor output, Span<int> argmax)
    {
        Require.Rank(input, 4, nameof(input));
        var pooled = GlobalAveragePool.PooledShape(input.Shape);
        Require.Shape(output, pooled, nameof(output));
        MaxPool2d.RequireIndices(argmax, pooled, nameof(argmax));
        int planeSize = input.Shape.SizeFrom(2);
        nint x = (nint)input.Pointer, y = (nint)output.Pointer;
        fixed (int* indices = argmax)
        {
            nint idx = (nint)indices;
            PlaneParallel.For(output.Length, planeSize, (start, end) =>
            {
                for (int p = start; p < end; p++)
                {
                    float* plane = (float*)x + (long)p * planeSize;
                    int best = TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>(plane, planeSize));
                    ((float*)y)[p] = plane[best];
                    ((int*)idx)[p] = best;
                }
            });
        }
    }

    // gradOutput [N, C, 1, 1], argmax from Forward → gradInput [N, C, H, W] (overwritten): gradOutput[p] goes to
    // the winning cell of plane p
    public static void Backward(Tensor gradOutput, ReadOnlySpan<int> argmax, Tensor gradInput)
    {
        Require.Rank(gradInput, 4, nameof(gradInput));
        var pooled = GlobalAveragePool.PooledShape(gradInput.Shape);
        Require.Shape(gradOutput, pooled, nameof(gradOutput));
        MaxPool2d.RequireIndices(argmax, pooled, nameof(argmax));
        MaxPool2d.ScatterToWinners(argmax, gradOutput, gradInput);
    }
}
