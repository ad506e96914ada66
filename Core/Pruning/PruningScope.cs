namespace MLNet.Cnn.Pruning;

/// <summary>Where the magnitude threshold is taken.</summary>
public enum PruningScope
{
    /// <summary>
    /// One threshold across all pruned weights (torch.nn.utils.prune.global_unstructured): layers whose weights are
    /// small or redundant lose more, sensitive layers less; usually the better accuracy at a given sparsity.
    /// </summary>
    Global,

    /// <summary>Each pruned layer to the same sparsity (TF-MOT's prune_low_magnitude, torch's l1_unstructured per module).</summary>
    PerLayer,
}
