using MLNet.Cnn.Segmentation;

namespace MLNet.Cnn.Trainers;

/// <summary>What <c>MulticlassClassification.EvaluateCnnSegmentation</c> measures over the rows of a scored data view.</summary>
/// <param name="Metrics">Pixel accuracy, mean and per-class IoU, Dice and accuracy from one confusion matrix over all rows (see <see cref="SegmentationMetrics"/>).</param>
/// <param name="ClassNames">The name of each class, in the order of the per-class figures (the predicted label's key values).</param>
public sealed record CnnSegmentationMetrics(SegmentationMetrics Metrics, IReadOnlyList<string> ClassNames);
