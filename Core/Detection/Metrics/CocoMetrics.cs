namespace MLNet.Cnn.Detection;

/// <summary>
/// The twelve numbers of pycocotools' box summary and the AP of each class. Every figure is a mean over the classes that
/// have ground truth in the figure's area range; −1 when no class has any (as pycocotools prints it).
/// </summary>
/// <param name="AveragePrecision">AP@[.5:.95]: the mean over IoU thresholds 0.50, 0.55, …, 0.95, all areas, 100 detections.</param>
/// <param name="AveragePrecision50">AP at IoU 0.50.</param>
/// <param name="AveragePrecision75">AP at IoU 0.75.</param>
/// <param name="AveragePrecisionSmall">AP@[.5:.95] of objects with area ≤ 32².</param>
/// <param name="AveragePrecisionMedium">AP@[.5:.95] of objects with area in [32², 96²].</param>
/// <param name="AveragePrecisionLarge">AP@[.5:.95] of objects with area ≥ 96².</param>
/// <param name="AverageRecall1">AR@[.5:.95] with 1 detection per image and class.</param>
/// <param name="AverageRecall10">AR with 10 detections per image and class.</param>
/// <param name="AverageRecall100">AR with 100 detections per image and class.</param>
/// <param name="AverageRecallSmall">AR (100 detections) of small objects.</param>
/// <param name="AverageRecallMedium">AR (100 detections) of medium objects.</param>
/// <param name="AverageRecallLarge">AR (100 detections) of large objects.</param>
/// <param name="PerClassAveragePrecision">AP@[.5:.95] of each class id; −1 for a class without ground truth.</param>
public sealed record CocoMetrics(
    double AveragePrecision,
    double AveragePrecision50,
    double AveragePrecision75,
    double AveragePrecisionSmall,
    double AveragePrecisionMedium,
    double AveragePrecisionLarge,
    double AverageRecall1,
    double AverageRecall10,
    double AverageRecall100,
    double AverageRecallSmall,
    double AverageRecallMedium,
    double AverageRecallLarge,
    IReadOnlyList<double> PerClassAveragePrecision);
