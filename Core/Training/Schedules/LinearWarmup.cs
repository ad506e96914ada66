namespace MLNet.Cnn.Training;

/// <summary>
/// Scales any schedule linearly up during the first steps: lr = inner(step)·min(1, (step + 1)/warmupSteps),
/// PyTorch's LinearLR(start_factor = 1/warmupSteps, total_iters = warmupSteps − 1) chained with the inner
/// schedule on the same step count. Epoch ends are passed on to the inner schedule.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    private readonly int _warmupSteps;
    private readonly LearningRateSchedule _inner;

    /// <param name="warmupSteps">The steps over which the rate rises linearly to that of <paramref name="inner"/>.</param>
    /// <param name="inner">The schedule that follows (and whose rate the warm-up climbs to).</param>
    public LinearWarmup(int warmupSteps, LearningRateSchedule inner) : base(inner?.BaseLearningRate ?? throw new ArgumentNullException(nameof(inner)))
    {
        _warmupSteps = Hyperparameter.Positive(warmupSteps, nameof(warmupSteps));
        _inner = inner;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, double validationLoss) => _inner.OnEpochEnd(epoch, validationLoss);

    /// <inheritdoc/>
    protected override float At(int step) =>
        _inner.LearningRate(step) * (step < _warmupSteps ? (step + 1) / (float)_warmupSteps : 1);
}
