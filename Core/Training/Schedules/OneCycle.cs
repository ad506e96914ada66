namespace MLNet.Cnn.Training;

/// <summary>
/// The one-cycle policy (Smith), as torch.optim.lr_scheduler.OneCycleLR with cosine annealing and two phases:
/// <code>
/// initial = max/divFactor,  final = initial/finalDivFactor,  p = pctStart·totalSteps − 1
/// step ≤ p:  cosine from initial to max over steps 0 … p
/// step &gt; p:  cosine from max to final over steps p … totalSteps − 1
/// </code>
/// Steps past totalSteps − 1 (where PyTorch throws) keep the final rate. <see cref="LearningRateSchedule.BaseLearningRate"/> is the peak.
/// </summary>
public sealed class OneCycle : LearningRateSchedule
{
    private readonly int _totalSteps;
    private readonly double _initial, _final, _peakStep;

    /// <param name="maxLearningRate">The peak rate.</param>
    /// <param name="totalSteps">The steps of the whole cycle (the training's steps).</param>
    /// <param name="pctStart">The share of the steps spent rising to the peak.</param>
    /// <param name="divFactor">The start rate is the peak / divFactor.</param>
    /// <param name="finalDivFactor">The final rate is the start rate / finalDivFactor.</param>
    public OneCycle(float maxLearningRate, int totalSteps, float pctStart = 0.3f, float divFactor = 25, float finalDivFactor = 1e4f)
        : base(Hyperparameter.Positive(maxLearningRate, nameof(maxLearningRate)))
    {
        _totalSteps = Hyperparameter.Positive(totalSteps, nameof(totalSteps));
        Hyperparameter.OpenFraction(pctStart, nameof(pctStart));
        _initial = maxLearningRate / (double)Hyperparameter.Positive(divFactor, nameof(divFactor));
        _final = _initial / Hyperparameter.Positive(finalDivFactor, nameof(finalDivFactor));
        _peakStep = pctStart * totalSteps - 1;   // in float: 0.3f·100 rounds to 30 exactly, as 0.3·100 nearly does in PyTorch's double
        if (_peakStep <= 0 || _peakStep >= totalSteps - 1)
            throw new ArgumentException(
                $"pctStart·totalSteps − 1 = {_peakStep} must lie strictly between 0 and totalSteps − 1 = {totalSteps - 1}; " +
                $"pctStart {pctStart} and totalSteps {totalSteps} were given.", nameof(pctStart));
    }

    /// <inheritdoc/>
    protected override float At(int step)
    {
        double t = Math.Min(step, _totalSteps - 1);
        return (float)(t <= _peakStep
            ? CosineAnnealing.CosineAnneal(_initial, BaseLearningRate, t / _peakStep)
            : CosineAnnealing.CosineAnneal(BaseLearningRate, _final, (t - _peakStep) / (_totalSteps - 1 - _peakStep)));
    }
}
