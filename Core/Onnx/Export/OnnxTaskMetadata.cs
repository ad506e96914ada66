using System.Globalization;
using System.Text.Json;
using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The metadata_props that tell a scorer what the "logits" output of a detection or segmentation export holds (pass them
/// to <see cref="OnnxExporter.Export(Models.CnnModel, string, IReadOnlyDictionary{string, string}?, int)"/>); an export
/// without <see cref="TaskKey"/> is a classifier, its output [N, K] logits.
/// <list type="bullet">
/// <item>detection: "logits" is the <see cref="YoloHead"/>'s raw grid [N, A·(5 + K), H/stride, W/stride];
/// <see cref="AnchorsKey"/> holds the anchor (width, height) pairs in pixels as a JSON array [w0, h0, w1, h1, …],
/// <see cref="StrideKey"/> the cell size in pixels, and the model's class names the K object classes;</item>
/// <item>segmentation: "logits" is [N, K, H, W], per-pixel class scores; the class names start with the background.</item>
/// </list>
/// </summary>
public static class OnnxTaskMetadata
{
    /// <summary>The metadata_props keys: the task, a detector's anchors (JSON [w0, h0, w1, h1, …] in pixels) and its stride (pixels per grid cell).</summary>
    public const string TaskKey = "mlnet.cnn.task", AnchorsKey = "mlnet.cnn.detection.anchors", StrideKey = "mlnet.cnn.detection.stride";
    /// <summary>The values of <see cref="TaskKey"/>.</summary>
    public const string DetectionTask = "detection", SegmentationTask = "segmentation";

    /// <summary>The task, anchors and stride of a network whose output is <paramref name="head"/>'s.</summary>
    public static IReadOnlyDictionary<string, string> Detection(YoloHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var anchors = Enumerable.Range(0, head.AnchorCount).SelectMany(a => new[] { head.AnchorWidth(a), head.AnchorHeight(a) }).ToArray();
        return new Dictionary<string, string>
        {
            [TaskKey] = DetectionTask,
            [AnchorsKey] = JsonSerializer.Serialize(anchors),
            [StrideKey] = head.Stride.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The task of a network whose output is per-pixel class scores [N, K, H, W].</summary>
    public static IReadOnlyDictionary<string, string> Segmentation() => new Dictionary<string, string> { [TaskKey] = SegmentationTask };
}
