using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Pruning;

/// <summary>
/// Unstructured magnitude pruning with masks kept per weight tensor, for fine-tuning: <see cref="Prune"/> zeros the
/// weights of smallest magnitude, and a training loop calls <see cref="MaskGradients"/> after the backward pass (so
/// gradient clipping and the optimizer see no gradient for a pruned weight) and <see cref="ApplyMasks"/> after every
/// optimizer step (momentum and Adam's moments from before pruning would otherwise move pruned weights off zero).
/// <see cref="Trainer"/> does both when <see cref="TrainerOptions.Sparsity"/> is set. Which weights are candidates is
/// fixed at construction from <see cref="PruningOptions"/>; the sparsity counts only them.
/// </summary>
public sealed class MagnitudePruner
{
    private readonly WeightMask[] _masks;
    private readonly PruningScope _scope;

    /// <param name="network">The network whose weights are pruned (in place).</param>
    /// <param name="options">Which weights are candidates and how the threshold is taken; null takes the defaults.</param>
    public MagnitudePruner(Layer network, PruningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new PruningOptions();
        if (!Enum.IsDefined(options.Scope))
            throw new ArgumentException($"Scope {(int)options.Scope} is not one of Global, PerLayer.", nameof(options));
        _scope = options.Scope;
        _masks = Candidates(network, options);
    }

    /// <summary>The paths (<see cref="LayerPaths"/>) of the layers whose weights are pruned, in network order.</summary>
    public IReadOnlyList<string> PrunedLayers => _masks.Select(m => m.LayerPath).ToArray();

    /// <summary>The share of the candidate weights the masks prune.</summary>
    public double Sparsity => _masks.Sum(m => (double)m.PrunedCount) / _masks.Sum(m => (double)m.Length);

    /// <summary>
    /// Sets the masks to <paramref name="sparsity"/> in [0, 1) by magnitude, over all candidates at once or layer by
    /// layer (<see cref="PruningOptions.Scope"/>), and zeros the weights they prune. Weights pruned before rank below all
    /// others: they stay pruned while the sparsity grows.
    /// </summary>
    public void Prune(double sparsity)
    {
        Hyperparameter.Fraction(sparsity, nameof(sparsity));
        if (_scope == PruningScope.Global) MagnitudeSelection.Prune(_masks, sparsity);
        else foreach (var mask in _masks) MagnitudeSelection.Prune([mask], sparsity);
    }

    /// <summary>Zeros the gradient of every pruned weight.</summary>
    public void MaskGradients()
    {
        foreach (var mask in _masks) mask.ApplyToGradient();
    }

    /// <summary>Zeros every pruned weight again.</summary>
    public void ApplyMasks()
    {
        foreach (var mask in _masks) mask.ApplyToWeight();
    }

    /// <summary>The masks for a checkpoint, in the order of <see cref="PrunedLayers"/>: per weight tensor, a bit per value, set where it is pruned.</summary>
    internal byte[][] SaveMasks() => [.. _masks.Select(m => m.PrunedBits())];

    /// <summary>Sets the masks saved by <see cref="SaveMasks"/> (of a pruner over the same network and options); the weights are not touched.</summary>
    internal void LoadMasks(byte[][] masks)
    {
        if (masks.Length != _masks.Length)
            throw new ArgumentException($"{masks.Length} saved masks do not fit the {_masks.Length} pruned weight tensors.", nameof(masks));
        for (int i = 0; i < masks.Length; i++) _masks[i].SetPrunedBits(masks[i]);
    }

    private static WeightMask[] Candidates(Layer network, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.KeepDense, nameof(options.KeepDense));
        var layers = LayerPaths.Walk(network).ToList();
        var weighted = layers.Where(l => l.Layer.Parameters.Any(IsPruned)).ToList();
        if (weighted.Count == 0)
            throw new ArgumentException(
                $"The network '{network.Name}' has no convolution or dense layer below it to prune.", nameof(network));
        var dense = options.KeepDense.SelectMany(name => KeptDense(network, layers, weighted, name)).ToHashSet();
        if (options.KeepFirstAndLastDense) dense.UnionWith([weighted[0].Path, weighted[^1].Path]);
        var masks = weighted.Where(l => !dense.Contains(l.Path))
            .SelectMany(l => l.Layer.Parameters.Where(IsPruned).Select(p => new WeightMask(l.Path, p))).ToArray();
        if (masks.Length == 0)
            throw new ArgumentException(
                $"Every weight layer of the network '{network.Name}' is left dense ({string.Join(", ", dense)}); nothing is left " +
                $"to prune{(options.KeepFirstAndLastDense ? " (set KeepFirstAndLastDense = false to prune the first and last layers)" : "")}.",
                nameof(options));
        return masks;
    }

    private static bool IsPruned(Parameter parameter) => parameter.Role == ParameterRole.Weight;

    /// <summary>The paths of the weight layers <paramref name="name"/> leaves dense: the layer it names, or all those inside the block it names.</summary>
    private static IEnumerable<string> KeptDense(Layer network, List<(string Path, Layer Layer)> layers,
        List<(string Path, Layer Layer)> weighted, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(PruningOptions.KeepDense));
        var matches = LayerPaths.Matching(layers, name, l => l.Path, l => l.Layer);
        string weightLayers = string.Join(", ", weighted.Select(l => $"{l.Path} ({l.Layer.GetType().Name})"));
        if (matches.Count != 1)
            throw new ArgumentException(
                (matches.Count == 0
                    ? $"KeepDense names '{name}', which is no layer of the network '{network.Name}'. Name a layer by its path or, when no other layer has that name, by its plain name."
                    : $"KeepDense names '{name}', which {matches.Count} layers share ({string.Join(", ", matches.Select(m => m.Path))}); name one by its path.") +
                $" Its weight layers: {weightLayers}.", nameof(PruningOptions.KeepDense));
        string path = matches[0].Path;
        var inside = weighted.Where(l => l.Path == path || l.Path.StartsWith(path + LayerPaths.Separator, StringComparison.Ordinal))
            .Select(l => l.Path).ToList();
        if (inside.Count == 0)
            throw new ArgumentException(
                $"KeepDense names '{name}' ({path}), which holds no weights to prune. Its weight layers: {weightLayers}.", nameof(PruningOptions.KeepDense));
        return inside;
    }
}
