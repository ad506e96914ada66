using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The result of broadcasting operands, cut into runs along its last axes on which each operand is either contiguous
/// (its dims equal the result's there) or one repeated value (dim 1 there): run r covers result elements
/// [r·<see cref="Length"/>, (r + 1)·<see cref="Length"/>) and reads operand i from <c>Starts[i][r]</c>, as a span of
/// that length or, when <c>Repeated[i]</c>, as the one value there. A residual join is one run over the whole tensor, a
/// per-channel factor [N, C, 1, 1] of [N, C, H, W] N·C runs of H·W; element-wise ops then work on spans.
/// </summary>
internal sealed class BroadcastRuns
{
    private BroadcastRuns(int length, int count, int[][] starts, bool[] repeated) =>
        (Length, Count, Starts, Repeated) = (length, count, starts, repeated);

    public int Length { get; }

    public int Count { get; }

    public int[][] Starts { get; }

    public bool[] Repeated { get; }

    public static BroadcastRuns For(int[] result, IReadOnlyList<int[]> operands)
    {
        var strides = operands.Select(o => Broadcasting.Strides(o, result)).ToArray();
        var repeated = new bool?[operands.Count]; // unknown until an axis above 1 decides
        int inner = result.Length;
        for (; inner > 0; inner--)
        {
            int k = inner - 1;
            if (result[k] == 1) continue;
            bool fits = true;
            for (int i = 0; i < operands.Count && fits; i++) fits = repeated[i] is null || repeated[i] == (strides[i][k] == 0);
            if (!fits) break;
            for (int i = 0; i < operands.Count; i++) repeated[i] = strides[i][k] == 0;
        }
        var outer = new TensorShape(result.Length == 0 || inner == 0 ? [1] : result[..inner]);
        int length = result[inner..].Aggregate(1, (a, d) => a * d);
        var starts = strides.Select(s => inner == 0 ? [0] : StridedOffsets.Of(outer, s[..inner], 0)).ToArray();
        return new BroadcastRuns(length, outer.Length, starts, repeated.Select(r => r ?? true).ToArray());
    }
}
