namespace MLNet.Cnn.Training;

/// <summary>
/// torch.optim.lr_scheduler.ReduceLROnPlateau in mode "min" with a relative threshold: after each epoch a
/// loss below best·(1 − threshold) is an improvement; otherwise the epoch is bad. Epochs in cooldown do not
/// count as bad. After more than <c>patience</c> bad epochs in a row, lr ← max(lr·factor, minLr) and the
/// cooldown starts.
/// </summary>
public sealed class ReduceOnPlateau : LearningRateSchedule
{
    private readonly float _factor, _threshold, _minLearningRate;
    private readonly int _patience, _cooldown;
    private double _best = double.PositiveInfinity;
    private int _badEpochs, _cooldownLeft;
    private float _current;

    /// <param name="baseLearningRate">The rate until the first reduction.</param>
    /// <param name="factor">The factor applied at each reduction, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement before the rate is reduced.</param>
    /// <param name="threshold">The relative improvement of the loss that counts as one.</param>
    /// <param name="cooldown">Epochs after a reduction before the patience counts again.</param>
    /// <param name="minLearningRate">The rate is never reduced below this.</param>
    public ReduceOnPlateau(float baseLearningRate, float factor = 0.1f, int patience = 10, float threshold = 1e-4f,
        int cooldown = 0, float minLearningRate = 0) : base(baseLearningRate)
    {
        _factor = Hyperparameter.OpenFraction(factor, nameof(factor));
        _patience = Hyperparameter.NonNegative(patience, nameof(patience));
        _threshold = Hyperparameter.Fraction(threshold, nameof(threshold));
        _cooldown = Hyperparameter.NonNegative(cooldown, nameof(cooldown));
        _minLearningRate = Hyperparameter.NonNegative(minLearningRate, nameof(minLearningRate));
        _current = baseLearningRate;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, double validationLoss)
    {
        if (validationLoss < _best * (1 - _threshold))
        {
            _best = validationLoss;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _badEpochs = 0;
        }
        if (_badEpochs > _patience)
        {
            _current = Math.Max(_current * _factor, _minLearningRate);
            _cooldownLeft = _cooldown;
            _badEpochs = 0;
        }
    }

    /// <inheritdoc/>
    protected override float At(int step) => _current;
}
