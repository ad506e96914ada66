namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>Regression.Trainers.Cnn</c>: the label is a float (one value per image) or a known-size float vector
/// (several values, e.g. keypoint coordinates); the network has one output per value and is trained with mean squared
/// error unless <see cref="CnnTrainerOptions.Loss"/> says otherwise (e.g. smooth L1).
/// </summary>
public sealed class CnnRegressionOptions : CnnTrainerOptions;
