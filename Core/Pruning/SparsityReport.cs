using System.Text;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;

namespace MLNet.Cnn.Pruning;

/// <summary>The zeros among the weights of one convolution, transposed convolution or dense layer (named by its path).</summary>
public sealed record LayerSparsity(string Name, long Weights, long Zeros)
{
    /// <summary>Zeros / weights, in [0, 1] (0 for a layer without weights).</summary>
    public double Sparsity => Weights == 0 ? 0 : (double)Zeros / Weights;
}

/// <summary>
/// How sparse a network's weights are, layer by layer and in total, counted from the values (a weight is zero or not),
/// so it describes any network: pruned here, loaded from a file, or never pruned. Biases, normalization terms and slopes
/// are left out, as pruning leaves them.
/// </summary>
public sealed class SparsityReport
{
    private SparsityReport(IReadOnlyList<LayerSparsity> layers) => Layers = layers;

    /// <summary>One entry per convolution, transposed convolution or dense layer, in network order.</summary>
    public IReadOnlyList<LayerSparsity> Layers { get; }
    /// <summary>The weights counted, over all layers.</summary>
    public long Weights => Layers.Sum(l => l.Weights);
    /// <summary>The zero weights, over all layers.</summary>
    public long Zeros => Layers.Sum(l => l.Zeros);
    /// <summary>Zeros / weights over the whole network, in [0, 1].</summary>
    public double Sparsity => Weights == 0 ? 0 : (double)Zeros / Weights;

    /// <summary>Counts the zero weights of every convolution, transposed convolution and dense layer of <paramref name="network"/>.</summary>
    public static SparsityReport Of(Layer network)
    {
        var layers = LayerPaths.Walk(network)
            .SelectMany(l => l.Layer.Parameters.Where(p => p.Role == ParameterRole.Weight)
                .Select(p => new LayerSparsity(l.Path, p.Value.Length, CountZeros(p.Value.Span))))
            .ToArray();
        return new SparsityReport(layers);
    }

    /// <summary>A table: one row per layer, then the total.</summary>
    public override string ToString()
    {
        int width = Math.Max("total".Length, Layers.Select(l => l.Name.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder($"{"layer".PadRight(width)}  {"weights",10}  {"zeros",10}  sparsity\n");
        foreach (var layer in Layers) Row(layer.Name, layer.Weights, layer.Zeros, layer.Sparsity);
        Row("total", Weights, Zeros, Sparsity);
        return text.ToString();

        void Row(string name, long weights, long zeros, double sparsity) =>
            text.Append($"{name.PadRight(width)}  {weights,10:N0}  {zeros,10:N0}  {sparsity,8:P1}\n");
    }

    private static long CountZeros(ReadOnlySpan<float> values)
    {
        long zeros = 0;
        foreach (float v in values) if (v == 0) zeros++;
        return zeros;
    }
}
