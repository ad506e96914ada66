namespace MLNet.Cnn.Training;

/// <summary>torch.optim.lr_scheduler.StepLR: lr = base·γ^⌊e/stepSizeEpochs⌋ in epoch e (from 0).</summary>
public sealed class StepLR : LearningRateSchedule
{
    private readonly int _stepsPerEpoch, _stepSizeEpochs;
    private readonly float _gamma;

    /// <param name="baseLearningRate">The rate of the first epochs.</param>
    /// <param name="stepsPerEpoch">Optimizer steps (batches) per epoch.</param>
    /// <param name="stepSizeEpochs">The rate is multiplied by <paramref name="gamma"/> every this many epochs.</param>
    /// <param name="gamma">The factor applied every <paramref name="stepSizeEpochs"/> epochs.</param>
    public StepLR(float baseLearningRate, int stepsPerEpoch, int stepSizeEpochs, float gamma = 0.1f) : base(baseLearningRate)
    {
        _stepsPerEpoch = Hyperparameter.Positive(stepsPerEpoch, nameof(stepsPerEpoch));
        _stepSizeEpochs = Hyperparameter.Positive(stepSizeEpochs, nameof(stepSizeEpochs));
        _gamma = Hyperparameter.Positive(gamma, nameof(gamma));
    }

    /// <inheritdoc/>
    protected override float At(int step) =>
        (float)(BaseLearningRate * Math.Pow(_gamma, step / _stepsPerEpoch / _stepSizeEpochs));
}
