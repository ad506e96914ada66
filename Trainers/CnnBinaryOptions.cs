namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>BinaryClassification.Trainers.Cnn</c>: the label is a Boolean column, as for ML.NET's own binary
/// trainers; the network has two outputs (false, true) trained with softmax cross-entropy.
/// </summary>
public sealed record CnnBinaryOptions : CnnClassificationOptions
{
    /// <summary>The column the fitted transformer writes the probability of <c>true</c> to (default <c>Probability</c>, as ML.NET's calibrated binary trainers name it).</summary>
    public string ProbabilityColumnName { get; init; } = "Probability";
}
