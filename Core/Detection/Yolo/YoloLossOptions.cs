namespace MLNet.Cnn.Detection;

/// <summary>The terms of <see cref="YoloLoss"/>: their weights, the objectness loss and the target assignment.</summary>
/// <param name="BoxWeight">Weight of the box loss (per positive; see <paramref name="BoxLoss"/>).</param>
/// <param name="ObjectnessWeight">Weight of the objectness loss (per position not ignored).</param>
/// <param name="ClassWeight">Weight of the softmax cross-entropy of the class logits (per positive).</param>
/// <param name="FocalGamma">
/// When given, the objectness loss is the sigmoid focal loss with this γ and <paramref name="FocalAlpha"/> (as
/// <see cref="Training.FocalLoss"/>); when null, binary cross-entropy on the logit (as
/// <see cref="Training.BinaryCrossEntropyWithLogits"/>).
/// </param>
/// <param name="FocalAlpha">The focal loss's positive weight α in [0, 1], or negative for none.</param>
/// <param name="Assignment">How boxes are assigned (null: the defaults).</param>
/// <param name="BoxLoss">The box term of a positive: 1 − GIoU of the decoded box (default), or smooth L1 of its corners.</param>
public sealed record YoloLossOptions(float BoxWeight = 1f, float ObjectnessWeight = 1f, float ClassWeight = 1f,
    float? FocalGamma = null, float FocalAlpha = 0.25f, YoloAssignmentOptions? Assignment = null,
    YoloBoxLoss BoxLoss = YoloBoxLoss.GeneralizedIoU);

/// <summary>How <see cref="YoloLoss"/> scores a positive's decoded box against its ground truth.</summary>
public enum YoloBoxLoss
{
    /// <summary>1 − GIoU (<see cref="GeneralizedIouLoss"/>): scale-free, and non-zero even for boxes that do not overlap.</summary>
    GeneralizedIoU,

    /// <summary>
    /// Smooth L1 (<see cref="SmoothL1BoxLoss"/>, β = 1) of the four corners measured in cells (pixels / stride), so that an
    /// error of one cell costs about what 1 − GIoU does; the "L1" box loss of the YOLO and R-CNN families.
    /// </summary>
    SmoothL1,
}
