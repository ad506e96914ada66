namespace MLNet.Cnn.Detection;

/// <summary>How <see cref="YoloAssignment"/> assigns ground-truth boxes to predictions.</summary>
/// <param name="ExtraAnchorIouThreshold">
/// When given, a box is also assigned (in its centre's cell) to every other anchor whose shape IoU with it is strictly
/// above this; when null (YOLOv2/v3), only to its best anchor.
/// </param>
/// <param name="IgnoreIouThreshold">
/// A prediction without an assigned box whose decoded box overlaps some ground-truth box of its image with IoU strictly
/// above this is ignored by the objectness loss (YOLOv3's 0.5); 1 or more ignores nothing.
/// </param>
public sealed record YoloAssignmentOptions(float? ExtraAnchorIouThreshold = null, float IgnoreIouThreshold = 0.5f);
