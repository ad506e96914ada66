using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The step after the detector's ONNX graph in the scoring chain: per-class NMS over the decoded positions and ML.NET's
/// detection columns, in the original image's pixels. A <c>CustomMapping</c> saves nothing but its contract name, so
/// everything it needs arrives as columns of the row: the graph's decoded boxes [P, 4] and class scores [P, K]
/// (<c>ScoringHead.YoloDetections</c>), the graph's constant row of settings (<see cref="Settings"/>: the thresholds, the
/// detection limit and the network's input size, written into the ONNX graph by <c>ScoringHead.Constants</c> and so saved
/// inside the model file), and the image itself, for its size. Found by <c>Model.Load</c> as <see cref="BinaryScoreMapping"/> is.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class DetectionMapping : CustomMappingFactory<DetectionMapping.Input, DetectionMapping.Output>
{
    /// <summary>The contract name the mapping is saved under and found by on <c>Model.Load</c>.</summary>
    public const string ContractName = "MLNet.Cnn.Detections";

    /// <summary>The chain's internal columns (dropped at its end).</summary>
    public const string ImageColumnName = "CnnDetectionImage", BoxesColumnName = "CnnBoxes", ScoresColumnName = "CnnClassScores",
        SettingsColumnName = "CnnDetectionSettings";

    /// <summary>The output columns, as ML.NET's ObjectDetection trainer names them.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel", PredictedBoxesColumnName = "PredictedBoundingBoxes", ScoreColumnName = "Score";

    static DetectionMapping() => ImageTypeRegistration.Ensure();

    /// <summary>The settings row: score threshold, NMS IoU threshold, detection limit, network input width and height.</summary>
    public static float[] Settings(YoloDecodeOptions decoding, int inputWidth, int inputHeight) =>
        [decoding.ScoreThreshold, decoding.NmsIouThreshold, decoding.MaxDetections, inputWidth, inputHeight];

    /// <summary>The mapping's input row: the image and the detector graph's outputs.</summary>
    public sealed class Input
    {
        /// <summary>The original image, for its size.</summary>
        [ColumnName(ImageColumnName)] public MLImage? Image { get; set; }

        /// <summary>The decoded boxes [P, 4] of every position, x0, y0, x1, y1 in pixels of the network's input.</summary>
        [ColumnName(BoxesColumnName)] public float[] Boxes { get; set; } = [];

        /// <summary>The class scores [P, K] of every position, σ(objectness)·softmax(classes).</summary>
        [ColumnName(ScoresColumnName)] public float[] Scores { get; set; } = [];

        /// <summary>The settings row (<see cref="DetectionMapping.Settings"/>).</summary>
        [ColumnName(SettingsColumnName)] public float[] Settings { get; set; } = [];
    }

    /// <summary>The input without the image, for the output schema only (see <see cref="StepwiseEstimator"/>).</summary>
    public sealed class SchemaTwin
    {
        /// <summary>As <see cref="Input.Boxes"/>.</summary>
        [ColumnName(BoxesColumnName)] public float[] Boxes { get; set; } = [];

        /// <summary>As <see cref="Input.Scores"/>.</summary>
        [ColumnName(ScoresColumnName)] public float[] Scores { get; set; } = [];

        /// <summary>As <see cref="Input.Settings"/>.</summary>
        [ColumnName(SettingsColumnName)] public float[] Settings { get; set; } = [];
    }

    /// <summary>The mapping's output row: ML.NET's detection columns (renamed afterwards when the options name them otherwise).</summary>
    public sealed class Output
    {
        /// <summary>The class index of each detection (made a key of the label's key type by the next step).</summary>
        [ColumnName(PredictedLabelColumnName)] public long[] PredictedLabel { get; set; } = [];

        /// <summary>x0, y0, x1, y1 of each detection, in pixels of the original image.</summary>
        [ColumnName(PredictedBoxesColumnName)] public float[] PredictedBoundingBoxes { get; set; } = [];

        /// <summary>σ(objectness)·softmax(classes) of each detection, descending.</summary>
        [ColumnName(ScoreColumnName)] public float[] Score { get; set; } = [];
    }

    /// <summary>Per-class NMS over the positions of <paramref name="input"/>, the kept detections scaled to the image's pixels.</summary>
    public static void Map(Input input, Output output)
    {
        if (input.Settings.Length != 5)
            throw new InvalidOperationException($"The column '{SettingsColumnName}' has {input.Settings.Length} values; the detector's graph writes 5.");
        if (input.Image is not { Width: > 0, Height: > 0 } image)
            throw new InvalidOperationException("The image is missing or empty (0×0); a detector needs an image to find objects in.");
        int positions = input.Boxes.Length / 4;
        int classes = positions == 0 ? 1 : input.Scores.Length / positions;
        var decoding = new YoloDecodeOptions(input.Settings[0], input.Settings[1], (int)input.Settings[2]);
        var detections = YoloDecoder.Select(input.Boxes, input.Scores, classes, decoding);
        // The network saw the image stretched to its input size: scale x and y back to the image's own pixels.
        float scaleX = image.Width / input.Settings[3], scaleY = image.Height / input.Settings[4];
        output.PredictedLabel = detections.Select(d => (long)d.ClassId).ToArray();
        output.Score = detections.Select(d => d.Score).ToArray();
        output.PredictedBoundingBoxes = detections.SelectMany(d => new[] { d.X0 * scaleX, d.Y0 * scaleY, d.X1 * scaleX, d.Y1 * scaleY }).ToArray();
    }

    /// <summary>The mapping ML.NET runs: <see cref="Map"/>.</summary>
    public override Action<Input, Output> GetMapping() => Map;
}
