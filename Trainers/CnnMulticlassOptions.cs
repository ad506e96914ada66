namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>MulticlassClassification.Trainers.Cnn</c>: the label is a key column (MapValueToKey); the network has
/// one output per key value.
/// </summary>
public sealed class CnnMulticlassOptions : CnnTrainerOptions;
