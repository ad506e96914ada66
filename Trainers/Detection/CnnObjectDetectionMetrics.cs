using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What <c>MulticlassClassification.EvaluateCnnObjectDetection</c> measures over the rows of a scored data view.
/// </summary>
/// <param name="Coco">pycocotools' box summary (AP@[.5:.95], AP50, AP75, by size, AR) and AP per class (see <see cref="CocoEvaluation"/>).</param>
/// <param name="Voc">PASCAL VOC AP at IoU 0.5, all-point interpolation, and per class (see <see cref="VocEvaluation"/>).</param>
/// <param name="ClassNames">The name of each class, in the order of the per-class figures (the label's key values).</param>
public sealed record CnnObjectDetectionMetrics(CocoMetrics Coco, VocMetrics Voc, IReadOnlyList<string> ClassNames);
