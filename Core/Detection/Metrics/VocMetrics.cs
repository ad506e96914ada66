namespace MLNet.Cnn.Detection;

/// <summary>VOC detection metrics at one IoU threshold.</summary>
/// <param name="MeanAveragePrecision">The mean of the per-class APs over the classes that have ground truth; −1 when none has.</param>
/// <param name="PerClassAveragePrecision">The AP of each class id; −1 for a class without ground truth.</param>
public sealed record VocMetrics(double MeanAveragePrecision, IReadOnlyList<double> PerClassAveragePrecision);
