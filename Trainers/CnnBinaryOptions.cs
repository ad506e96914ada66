namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>BinaryClassification.Trainers.Cnn</c>: the label is a Boolean column, as for ML.NET's own binary
/// trainers; the network has two outputs (false, true) trained with softmax cross-entropy.
/// </summary>
public sealed record CnnBinaryOptions : CnnTrainerOptions;
