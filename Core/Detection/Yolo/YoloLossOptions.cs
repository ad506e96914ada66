namespace MLNet.Cnn.Detection;

/// <summary>The terms of <see cref="YoloLoss"/>: their weights, the objectness loss and the target assignment.</summary>
/// <param name="BoxWeight">Weight of the GIoU box loss (1 − GIoU per positive).</param>
/// <param name="ObjectnessWeight">Weight of the objectness loss (per position not ignored).</param>
/// <param name="ClassWeight">Weight of the softmax cross-entropy of the class logits (per positive).</param>
/// <param name="FocalGamma">
/// When given, the objectness loss is the sigmoid focal loss with this γ and <paramref name="FocalAlpha"/> (as
/// <see cref="Training.FocalLoss"/>); when null, binary cross-entropy on the logit (as
/// <see cref="Training.BinaryCrossEntropyWithLogits"/>).
/// </param>
/// <param name="FocalAlpha">The focal loss's positive weight α in [0, 1], or negative for none.</param>
/// <param name="Assignment">How boxes are assigned (null: the defaults).</param>
public sealed record YoloLossOptions(float BoxWeight = 1f, float ObjectnessWeight = 1f, float ClassWeight = 1f,
    float? FocalGamma = null, float FocalAlpha = 0.25f, YoloAssignmentOptions? Assignment = null);
