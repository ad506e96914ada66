namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>Regression.Trainers.Cnn</c>: the label is a float (one value per image) or a known-size float vector
/// (several values, e.g. keypoint coordinates); the network has one output per value and is trained with mean squared
/// error unless <see cref="Training.TrainerOptions.Loss"/> says otherwise (e.g. smooth L1). When the label holds keypoints or
/// boxes in pixel coordinates of the network's input, <see cref="Training.TrainerOptions.AugmentTargets"/> makes geometric
/// augmentation move them with the pixels.
/// </summary>
public sealed record CnnRegressionOptions : CnnTrainerOptions;
