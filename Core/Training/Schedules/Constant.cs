namespace MLNet.Cnn.Training;

/// <summary>The same rate at every step (the default schedule).</summary>
public sealed class Constant(float learningRate) : LearningRateSchedule(learningRate)
{
    /// <inheritdoc/>
    protected override float At(int step) => BaseLearningRate;
}
