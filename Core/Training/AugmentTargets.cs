namespace MLNet.Cnn.Training;

/// <summary>
/// What the regression targets of an image are, so that <see cref="TrainerOptions.Augmentation"/> moves them with the
/// pixels (a flip or a crop moves a keypoint too). The targets are handed to the augmentation as the sample's
/// keypoints or boxes and read back after it; class labels never change.
/// </summary>
public enum AugmentTargets
{
    /// <summary>The targets do not depend on where things are in the image; the augmentation leaves them alone.</summary>
    None,

    /// <summary>(x, y) pairs in pixels, x to the right and y downwards from the image's top-left corner.</summary>
    Keypoints,

    /// <summary>(x1, y1, x2, y2) groups in pixels: boxes given by their top-left and bottom-right corners.</summary>
    Boxes,
}
