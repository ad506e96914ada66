namespace MLNet.Cnn.Training;

/// <summary>
/// torch.optim.lr_scheduler.MultiStepLR: lr = base·γ^k in epoch e (from 0), k the number of milestones ≤ e
/// (a milestone given twice counts twice, as in PyTorch).
/// </summary>
public sealed class MultiStepLR : LearningRateSchedule
{
    private readonly int _stepsPerEpoch;
    private readonly int[] _milestoneEpochs;
    private readonly float _gamma;

    /// <param name="baseLearningRate">The rate until the first milestone.</param>
    /// <param name="stepsPerEpoch">Optimizer steps (batches) per epoch.</param>
    /// <param name="milestoneEpochs">The epochs at which the rate is multiplied by <paramref name="gamma"/>.</param>
    /// <param name="gamma">The factor applied at each milestone.</param>
    public MultiStepLR(float baseLearningRate, int stepsPerEpoch, IEnumerable<int> milestoneEpochs, float gamma = 0.1f) : base(baseLearningRate)
    {
        ArgumentNullException.ThrowIfNull(milestoneEpochs);
        _stepsPerEpoch = Hyperparameter.Positive(stepsPerEpoch, nameof(stepsPerEpoch));
        _milestoneEpochs = [.. milestoneEpochs];
        if (_milestoneEpochs.Length == 0 || _milestoneEpochs.Any(m => m <= 0))
            throw new ArgumentException(
                $"milestoneEpochs must be one or more positive epochs; [{string.Join(", ", _milestoneEpochs)}] was given.", nameof(milestoneEpochs));
        _gamma = Hyperparameter.Positive(gamma, nameof(gamma));
    }

    /// <inheritdoc/>
    protected override float At(int step)
    {
        int epoch = step / _stepsPerEpoch;
        return (float)(BaseLearningRate * Math.Pow(_gamma, _milestoneEpochs.Count(m => m <= epoch)));
    }
}
