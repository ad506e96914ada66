using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>Regression.Trainers.Cnn</c>: the label is a float (one value per image) or a known-size float vector
/// (several values, e.g. keypoint coordinates); the network has one output per value and is trained with mean squared
/// error unless <see cref="CnnTrainerOptions.Loss"/> says otherwise (e.g. smooth L1).
/// </summary>
public sealed class CnnRegressionOptions : CnnTrainerOptions
{
    /// <summary>
    /// When the label holds keypoints (x, y pairs) or boxes (x1, y1, x2, y2 groups) in pixel coordinates of the network's
    /// input, geometric augmentation (flips, crops, affine …) moves them with the pixels; default: labels stay as they are.
    /// </summary>
    public AugmentTargets AugmentTargets { get; init; }

    private protected override AugmentTargets TargetsToAugment => AugmentTargets;
}
