using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>Mean over each (n, c) plane; the fast version of <see cref="GlobalAveragePoolReference"/>.</summary>
internal static unsafe class GlobalAveragePool
{
    // input [N, C, H, W] → output [N, C, 1, 1]: the mean of each plane
    public static void Forward(Tensor input, Tensor output)
    {
        Require.Rank(input, 4, nameof(input));
        Require.Shape(output, PooledShape(input.Shape), nameof(output));
        int planeSize = input.Shape.SizeFrom(2);
        nint x = (nint)input.Pointer, y = (nint)output.Pointer;
        PlaneParallel.For(output.Length, planeSize, (start, end) =>
        {
            for (int p = start; p < end; p++)
                ((float*)y)[p] = TensorPrimitives.Sum(new ReadOnlySpan<float>((float*)x + (long)p * planeSize, planeSize)) / planeSize;
        });
    }

    // gradOutput [N, C, 1, 1] → gradInput [N, C, H, W] (overwritten): every cell of plane p gets gradOutput[p] / (H·W)
    public static void Backward(Tensor gradOutput, Tensor gradInput)
    {
        Require.Rank(gradInput, 4, nameof(gradInput));
        Require.Shape(gradOutput, PooledShape(gradInput.Shape), nameof(gradOutput));
        int planeSize = gradInput.Shape.SizeFrom(2);
        nint dy = (nint)gradOutput.Pointer, dx = (nint)gradInput.Pointer;
        PlaneParallel.For(gradOutput.Length, planeSize, (start, end) =>
        {
            for (int p = start; p < end; p++)
                new Span<float>((float*)dx + (long)p * planeSize, planeSize).Fill(((float*)dy)[p] / planeSize);
        });
    }

    /// <summary>[N, C, H, W] → [N, C, 1, 1].</summary>
    internal static TensorShape PooledShape(TensorShape input) => new(input[0], input[1], 1, 1);
}
