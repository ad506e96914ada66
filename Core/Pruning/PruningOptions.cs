namespace MLNet.Cnn.Pruning;

/// <summary>
/// Which weights magnitude pruning removes and how the threshold is taken. Only the weights of convolutions, transposed
/// convolutions and dense layers (<see cref="Layers.ParameterRole.Weight"/>) are pruned: biases, batch-norm scales and
/// shifts and PReLU slopes are few, and each one matters.
/// </summary>
public sealed class PruningOptions
{
    /// <summary>Whether the magnitude threshold is taken over all candidate weights together or per layer; default global.</summary>
    public PruningScope Scope { get; init; } = PruningScope.Global;

    /// <summary>
    /// Leave the first and the last weight layer (in network order) dense; default true. The first convolution holds few
    /// weights (150 of LeNet-5's 61,706) and every feature depends on it; the last layer maps features straight to
    /// classes, so each of its weights moves a score. Pruning them saves little and costs the most accuracy, which is why
    /// Zhu and Gupta (2017) and Gale et al. (2019) keep the first layer dense and TF-MOT's guide advises against pruning
    /// critical layers. Set false to prune every weight layer.
    /// </summary>
    public bool KeepFirstAndLastDense { get; init; } = true;

    /// <summary>
    /// More layers to leave dense, each named by its path or its plain name as <see cref="Models.LayerPaths.Find"/> takes
    /// it; naming a block ("layer1") leaves every weight layer inside it dense.
    /// </summary>
    public IReadOnlyList<string> KeepDense { get; init; } = [];
}
