namespace MLNet.Cnn.Segmentation;

/// <summary>
/// Segmentation metrics read from one confusion matrix over a whole dataset. A per-class value is NaN where it is 0/0
/// (IoU and Dice: a class absent from both ground truth and predictions; accuracy: a class absent from the ground truth),
/// and the means leave those classes out (as mmsegmentation's nanmean does). A class that is only predicted has IoU 0
/// and pulls the mean down.
/// </summary>
/// <param name="PixelAccuracy">Correct pixels / counted pixels.</param>
/// <param name="MeanIoU">The mean of the defined per-class IoUs.</param>
/// <param name="PerClassIoU">TP / (TP + FP + FN) of each class.</param>
/// <param name="MeanDice">The mean of the defined per-class Dice scores.</param>
/// <param name="PerClassDice">2·TP / (2·TP + FP + FN) of each class (the F1 score of its pixels).</param>
/// <param name="MeanAccuracy">The mean of the defined per-class accuracies.</param>
/// <param name="PerClassAccuracy">TP / (TP + FN) of each class: the share of its pixels found (recall).</param>
public sealed record SegmentationMetrics(
    double PixelAccuracy,
    double MeanIoU,
    IReadOnlyList<double> PerClassIoU,
    double MeanDice,
    IReadOnlyList<double> PerClassDice,
    double MeanAccuracy,
    IReadOnlyList<double> PerClassAccuracy);
