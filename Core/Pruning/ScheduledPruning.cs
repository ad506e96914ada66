namespace MLNet.Cnn.Pruning;

/// <summary>
/// Pruning inside <see cref="Training.Trainer"/>'s loop: the weights are pruned on the schedule's steps before the
/// forward pass, the pruned weights' gradients are zeroed after the backward pass and the pruned weights after the
/// optimizer step.
/// </summary>
internal sealed class ScheduledPruning(MagnitudePruner pruner, SparsitySchedule schedule)
{
    public double Sparsity => pruner.Sparsity;

    /// <summary>The pruner, whose masks a checkpoint saves and sets back.</summary>
    public MagnitudePruner Pruner => pruner;

    /// <summary>Whether the masks are final from <paramref name="step"/> on (the last pruning runs before that step's forward pass).</summary>
    public bool IsFinalFrom(int step) => step >= schedule.EndStep;

    public void BeforeStep(int step)
    {
        if (schedule.PrunesAt(step)) pruner.Prune(schedule.SparsityAt(step));
    }

    public void AfterBackward() => pruner.MaskGradients();

    public void AfterStep() => pruner.ApplyMasks();
}
