namespace MLNet.Cnn.Training;

/// <summary>
/// The learning rate as a function of the optimizer step (0 for the first step of training). The training
/// loop sets <see cref="Optimizer.LearningRate"/> from <see cref="LearningRate"/> before every step and calls
/// <see cref="OnEpochEnd"/> after every epoch (schedules driven by the validation loss listen to it).
/// Epoch-based schedules take the number of steps (batches) per epoch; epoch e (from 0) covers steps
/// e·stepsPerEpoch … (e + 1)·stepsPerEpoch − 1, PyTorch's <c>last_epoch</c> when its scheduler steps per epoch.
/// <para>A schedule keeps state only from <see cref="OnEpochEnd"/> (as <see cref="ReduceOnPlateau"/> does): a run resumed from a
/// checkpoint (<see cref="TrainerOptions.Checkpoints"/>) builds a fresh schedule and calls <see cref="OnEpochEnd"/> again with
/// the losses of the epochs before it, so no schedule needs to save anything, and <see cref="LearningRate"/> must depend on
/// the step and those calls alone.</para>
/// </summary>
public abstract class LearningRateSchedule
{
    /// <param name="baseLearningRate">The rate the schedule starts from, ≥ 0.</param>
    protected LearningRateSchedule(float baseLearningRate) =>
        BaseLearningRate = Hyperparameter.NonNegative(baseLearningRate, nameof(baseLearningRate));

    /// <summary>The rate the schedule starts from (the peak for <see cref="OneCycle"/>).</summary>
    public float BaseLearningRate { get; }

    /// <summary>The learning rate of optimizer step <paramref name="step"/> (from 0).</summary>
    public float LearningRate(int step) =>
        step >= 0 ? At(step) : throw new ArgumentException($"step must not be negative; {step} was given.", nameof(step));

    /// <summary>Called after epoch <paramref name="epoch"/> (from 1) with its validation loss (the training loss without validation data).</summary>
    public virtual void OnEpochEnd(int epoch, double validationLoss) { }

    /// <summary>The rate at <paramref name="step"/> ≥ 0.</summary>
    protected abstract float At(int step);
}
