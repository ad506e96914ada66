namespace MLNet.Cnn.Detection;

/// <summary>How <see cref="YoloDecoder"/> turns scores into detections.</summary>
/// <param name="ScoreThreshold">Candidates need a score σ(obj)·softmax(class) strictly above this.</param>
/// <param name="NmsIouThreshold">Per-class NMS suppresses a box overlapping a kept one with IoU strictly above this.</param>
/// <param name="MaxDetections">At most this many detections per image, the highest-scoring ones.</param>
public sealed record YoloDecodeOptions(float ScoreThreshold = 0.05f, float NmsIouThreshold = 0.5f, int MaxDetections = 100);
