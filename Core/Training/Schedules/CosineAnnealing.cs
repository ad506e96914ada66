namespace MLNet.Cnn.Training;

/// <summary>
/// Cosine annealing per step (torch.optim.lr_scheduler.CosineAnnealingLR stepped every batch, T_max = totalSteps):
/// lr = min + (base − min)·(1 + cos(π·t/T))/2 with t = min(step, T), so the rate stays at min after T steps.
/// For annealing over E epochs pass totalSteps = E·stepsPerEpoch.
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    private readonly int _totalSteps;
    private readonly float _minLearningRate;

    /// <param name="baseLearningRate">The rate at step 0.</param>
    /// <param name="totalSteps">The step count over which the rate falls along a half cosine.</param>
    /// <param name="minLearningRate">The rate at the end (and after it).</param>
    public CosineAnnealing(float baseLearningRate, int totalSteps, float minLearningRate = 0) : base(baseLearningRate)
    {
        _totalSteps = Hyperparameter.Positive(totalSteps, nameof(totalSteps));
        _minLearningRate = Hyperparameter.NonNegative(minLearningRate, nameof(minLearningRate));
    }

    /// <inheritdoc/>
    protected override float At(int step) =>
        (float)CosineAnneal(BaseLearningRate, _minLearningRate, Math.Min(step, _totalSteps) / (double)_totalSteps);

    /// <summary>from → to along a half cosine as <paramref name="fraction"/> goes 0 → 1: to + (from − to)·(1 + cos(π·fraction))/2.</summary>
    internal static double CosineAnneal(double from, double to, double fraction) =>
        to + (from - to) * (1 + Math.Cos(Math.PI * fraction)) / 2;
}
