namespace MLNet.Cnn.Trainers;

/// <summary>
/// The options of the CNN trainers that predict labels (multiclass, binary, transfer, detection, segmentation): those of
/// every CNN trainer (<see cref="CnnTrainerOptions"/>) and the name of the predicted-label column.
/// </summary>
public abstract record CnnClassificationOptions : CnnTrainerOptions
{
    /// <summary>
    /// The column the fitted transformer writes the predicted label to (default <c>PredictedLabel</c>, the name ML.NET's
    /// trainers and evaluators use; pass the same name to <c>Evaluate</c> when you change it).
    /// </summary>
    public string PredictedLabelColumnName { get; init; } = "PredictedLabel";
}
