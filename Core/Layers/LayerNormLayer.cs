using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Layer normalization (torch.nn.LayerNorm, Ba et al. 2016) over the last axes of its input, whose dims are
/// <see cref="NormalizedShape"/>: each sample's values there are normalized together, then scaled by γ and shifted by β
/// (one each per normalized value; β optional). ONNX LayerNormalization normalizes from an axis on: a positive one fixes
/// the input's rank (<see cref="InputRank"/>).
/// </summary>
public sealed class LayerNormLayer : RowNormLayer
{
    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="normalizedShape">The dims of the input's last axes that are normalized together.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <param name="bias">Whether the layer learns a shift β.</param>
    public LayerNormLayer(string name, int[] normalizedShape, float epsilon = 1e-5f, bool bias = true)
        : base(name, Checked(normalizedShape), epsilon, bias)
    {
        NormalizedShape = [.. normalizedShape];
    }

    /// <summary>The dims of the normalized last axes.</summary>
    public IReadOnlyList<int> NormalizedShape { get; }

    /// <summary>The rank every input must have, or null for any rank (at least that of <see cref="NormalizedShape"/>).</summary>
    public int? InputRank { get; init; }

    private protected override RowNorm RowsOf(TensorShape input)
    {
        int k = NormalizedShape.Count;
        if (input.Rank < k || (InputRank is int rank && input.Rank != rank) || !input.Dimensions[(input.Rank - k)..].SequenceEqual(NormalizedShape.ToArray()))
            throw BadInput(input, $"[…, {string.Join(", ", NormalizedShape)}]{(InputRank is int r ? $" of rank {r}" : "")}");
        return new RowNorm(input.SizeFrom(input.Rank - k), 1, 1);
    }

    private static TensorShape Checked(int[] normalizedShape)
    {
        if (normalizedShape.Length == 0) throw new ArgumentException("normalizedShape must name at least one axis.", nameof(normalizedShape));
        foreach (int d in normalizedShape) Require.Positive(d, nameof(normalizedShape));
        return new TensorShape(normalizedShape);
    }
}
