using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Pruning;

/// <summary>One-shot magnitude pruning, without fine-tuning (for pruning during training see <see cref="Training.TrainerOptions.Sparsity"/>).</summary>
public static class MagnitudePruning
{
    /// <summary>
    /// Zeros the fraction <paramref name="sparsity"/> in [0, 1) of the candidate weights with the smallest magnitudes
    /// (exactly round(sparsity·n) of the n candidates, as <see cref="MagnitudePruner.Prune"/> counts them) and reports
    /// the sparsity of every weight layer.
    /// </summary>
    public static SparsityReport Prune(Layer network, double sparsity, PruningOptions? options = null)
    {
        new MagnitudePruner(network, options).Prune(sparsity);
        return SparsityReport.Of(network);
    }
}
