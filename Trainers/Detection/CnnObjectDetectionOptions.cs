using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>MulticlassClassification.Trainers.CnnObjectDetection</c>, a single-stage YOLO-style detector. The
/// columns follow ML.NET's own ObjectDetection trainer (Microsoft.ML.TorchSharp): <see cref="CnnTrainerOptions.LabelColumnName"/>
/// ("Label") a vector of keys, one per object; <see cref="BoundingBoxColumnName"/> ("BoundingBoxes") a float vector of
/// x0, y0, x1, y1 per object, in the image's pixels; <see cref="CnnTrainerOptions.FeatureColumnName"/> ("Image") an
/// MLImage column (LoadImages). Images of any size are stretched to <see cref="CnnTrainerOptions.Width"/> ×
/// <see cref="CnnTrainerOptions.Height"/> (both required unless the image column has a fixed size) and their boxes with
/// them; predictions are scaled back to each image's pixels. Every training option of the core is inherited
/// (<see cref="Training.TrainerOptions"/>), except <see cref="Training.TrainerOptions.Loss"/>, which is the head's
/// <see cref="YoloLoss"/> (set <see cref="DetectionLoss"/>), and <see cref="CnnTrainerOptions.Network"/>, which is
/// <see cref="Backbone"/> and <see cref="Detector"/> here.
/// </summary>
public sealed record CnnObjectDetectionOptions : CnnClassificationOptions
{
    /// <summary>Options with the columns of ML.NET's ObjectDetection trainer: <c>Image</c>, <c>Label</c>, <c>BoundingBoxes</c>.</summary>
    public CnnObjectDetectionOptions()
    {
        FeatureColumnName = "Image";
        LabelColumnName = "Label";
    }

    /// <summary>The boxes: a float vector of x0, y0, x1, y1 per label, in pixels of the image (0 ≤ x0 ≤ x1 ≤ width, likewise y).</summary>
    public string BoundingBoxColumnName { get; init; } = "BoundingBoxes";

    /// <summary>The column the fitted transformer writes the predicted boxes to (default <c>PredictedBoundingBoxes</c>, as ML.NET's ObjectDetection trainer names it).</summary>
    public string PredictedBoundingBoxColumnName { get; init; } = "PredictedBoundingBoxes";

    /// <summary>
    /// The detector's anchors as (width, height) pairs in pixels of the network's input (Width × Height); null: k-means
    /// (1 − IoU distance, <see cref="AnchorKMeans"/>) on the training boxes, with <see cref="AnchorCount"/> anchors.
    /// </summary>
    public float[]? Anchors { get; init; }

    /// <summary>How many anchors k-means fits when <see cref="Anchors"/> is null (fewer when the training boxes have fewer distinct shapes).</summary>
    public int AnchorCount { get; init; } = 3;

    /// <summary>The size in pixels of a grid cell of the head (a stride of the backbone: 2, 4, 8, …).</summary>
    public int Stride { get; init; } = 8;

    /// <summary>
    /// The backbone, from (channels, height, width) of the input: a network whose top-level blocks are stages that halve
    /// the resolution (e.g. <c>DetectionBackbones.Small</c>, or the trunk of a trained classifier); null: <c>DetectionBackbones.Small</c>.
    /// </summary>
    public Func<int, int, int, Layer>? Backbone { get; init; }

    /// <summary>
    /// The whole detector, from (channels, height, width, head): a network whose output is [N, head.Channels, H / stride,
    /// W / stride]; null: <c>YoloNetwork.Build</c> on <see cref="Backbone"/> (a feature pyramid down to the head's stride).
    /// Takes precedence over <see cref="Backbone"/>.
    /// </summary>
    public Func<int, int, int, YoloHead, Layer>? Detector { get; init; }

    /// <summary>The loss's terms: weights, BCE or focal objectness (<see cref="YoloLossOptions.FocalGamma"/>), the assignment.</summary>
    public YoloLossOptions DetectionLoss { get; init; } = new();

    /// <summary>
    /// Scoring: the score threshold (σ(objectness)·softmax(classes) strictly above it), the per-class NMS IoU threshold and
    /// the most detections per image. They are written into the scoring graph, so a saved model keeps them.
    /// </summary>
    public YoloDecodeOptions Decoding { get; init; } = new();
}
