namespace MLNet.Cnn.Detection;

/// <summary>
/// What the detection metrics read for one image: its ground-truth objects and a detector's predictions, both in the
/// image's pixel coordinates. Either list may be empty (an image without objects, a detector that found nothing).
/// </summary>
public sealed record DetectionImage(IReadOnlyList<GroundTruthBox> GroundTruth, IReadOnlyList<DetectedBox> Detections);
