namespace MLNet.Cnn.Samples.WebApi;

/// <summary>What the service reads of a scored row: the class probabilities, in the order of <see cref="ImageClassifier.ClassNames"/>.</summary>
public sealed class ModelOutput
{
    /// <summary>The softmax probability of every class.</summary>
    public float[] Score { get; set; } = [];
}
