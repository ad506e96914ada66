using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Maximum over each (n, c) plane; the fast version of <see cref="GlobalMaxPoolReference"/>. Each plane is scanned
/// in <see cref="Lanes"/> interleaved lanes with <see cref="MaxPool2d"/>'s vector max run, then the lane winners are
/// reduced with the same rule (NaN first, ties to the lower index).
/// </summary>
internal static unsafe class GlobalMaxPool
{
    /// <summary>Lane j of the plane scan keeps the winner among the cells i ≡ j (mod Lanes).</summary>
    private const int Lanes = 64;

    // input [N, C, H, W] → output [N, C, 1, 1], argmax [N·C]: the maximum of each plane and its index h·W + w
    // (the first NaN, else the first maximum, in row-major order; 0 for a plane of −∞)
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
                    int best = IndexOfMax(plane, planeSize);
                    ((float*)y)[p] = plane[best];
                    ((int*)idx)[p] = best;
                }
            });
        }
    }

    // gradOutput [N, C, 1, 1], argmax from Forward (each in [0, H·W), or −1 for no winner) → gradInput [N, C, H, W]
    // (overwritten): gradOutput[p] goes to the winning cell of plane p
    public static void Backward(Tensor gradOutput, ReadOnlySpan<int> argmax, Tensor gradInput)
    {
        Require.Rank(gradInput, 4, nameof(gradInput));
        var pooled = GlobalAveragePool.PooledShape(gradInput.Shape);
        Require.Shape(gradOutput, pooled, nameof(gradOutput));
        MaxPool2d.RequireIndices(argmax, pooled, nameof(argmax));
        MaxPool2d.ScatterToWinners(argmax, gradOutput, gradInput);
    }

    /// <summary>The index of the first NaN of values[0 … count), else of its first maximum (0 if all are −∞).</summary>
    private static int IndexOfMax(float* values, int count)
    {
        float* best = stackalloc float[Lanes];
        int* index = stackalloc int[Lanes];
        new Span<float>(best, Lanes).Fill(float.NegativeInfinity);
        new Span<int>(index, Lanes).Fill(-1);
        for (int i = 0; i < count; i += Lanes)
            MaxPool2d.MaxRun(values + i, Math.Min(Lanes, count - i), i, 1, best, index);
        // Each lane holds the first winner among its cells; the plane's winner is the lane winner that beats the
        // others, or the lowest-indexed of those that tie with it.
        int winner = 0;
        for (int j = 0; j < Lanes; j++)
        {
            int i = index[j];
            if (i < 0) continue;
            float v = values[i], w = values[winner];
            if (MaxPool2dReference.Beats(v, w) || (i < winner && !MaxPool2dReference.Beats(w, v)))
                winner = i;
        }
        return winner;
    }
}
