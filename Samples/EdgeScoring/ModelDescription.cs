using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// What an MLNet.Cnn export promises (Core/Onnx/Export/OnnxExporter.cs), read from a loaded model and checked: one input
/// "input", float [N, C, H, W]; an output "logits"; and metadata_props giving the K class names, the input shape
/// [C, H, W] and the per-channel normalization (x − mean) / std, with whether the graph applies it itself. The task
/// (Core/Onnx/Export/OnnxTaskMetadata.cs, "mlnet.cnn.task") says what "logits" holds: a classifier's [N, K] when absent;
/// a YOLO grid [N, A·(5 + K), H/stride, W/stride] for "detection", with the anchors and the stride; per-pixel scores
/// [N, K, H, W] for "segmentation". Anything else is refused with the key or shape that is missing or unexpected. An int8
/// (QDQ) export has the same inputs, outputs and metadata, so nothing here depends on the graph inside.
/// </summary>
internal sealed record ModelDescription(
    IReadOnlyList<string> ClassNames, int Channels, int Height, int Width, float[] Mean, float[] Std, bool NormalizationInGraph,
    ModelTask Task = ModelTask.Classification, YoloGridHead? Detection = null)
{
    public const string InputName = "input", OutputName = "logits";
    private const string ClassNamesKey = "mlnet.cnn.class_names", InputShapeKey = "mlnet.cnn.input_shape",
        MeanKey = "mlnet.cnn.normalization.mean", StdKey = "mlnet.cnn.normalization.std", InGraphKey = "mlnet.cnn.normalization.in_graph",
        TaskKey = "mlnet.cnn.task", AnchorsKey = "mlnet.cnn.detection.anchors", StrideKey = "mlnet.cnn.detection.stride";

    /// <summary>The description of <paramref name="session"/>'s model; <paramref name="file"/> names it in errors.</summary>
    public static ModelDescription Read(InferenceSession session, string file)
    {
        var metadata = session.ModelMetadata.CustomMetadataMap;
        string Value(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new ScoringError($"{file}: the model has no '{key}' metadata, so it was not exported by MLNet.Cnn " +
                "(OnnxExporter writes mlnet.cnn.class_names, .input_shape and .normalization.mean/.std/.in_graph).");
        T Json<T>(string key, JsonTypeInfo<T> type, string expected)
        {
            string value = Value(key);
            try { return JsonSerializer.Deserialize(value, type) ?? throw new JsonException(); }
            catch (JsonException) { throw new ScoringError($"{file}: metadata '{key}' is {value}; expected {expected}."); }
        }

        var classNames = Json(ClassNamesKey, MetadataJson.Default.StringArray, "a JSON array of class names");
        var shape = Json(InputShapeKey, MetadataJson.Default.Int32Array, "a JSON array [C, H, W]");
        if (shape.Length != 3 || shape.Any(d => d <= 0))
            throw new ScoringError($"{file}: metadata '{InputShapeKey}' is {Value(InputShapeKey)}; expected [C, H, W] with positive sizes.");
        int channels = shape[0];
        if (channels is not (1 or 3))
            throw new ScoringError($"{file}: the model takes {channels}-channel images; this app feeds 1 (grayscale) or 3 (RGB) channels.");
        var mean = Json(MeanKey, MetadataJson.Default.SingleArray, $"a JSON array of {channels} numbers");
        var std = Json(StdKey, MetadataJson.Default.SingleArray, $"a JSON array of {channels} numbers");
        if (mean.Length != channels || std.Length != channels || std.Any(s => s == 0))
            throw new ScoringError($"{file}: metadata '{MeanKey}' {Value(MeanKey)} and '{StdKey}' {Value(StdKey)}; " +
                $"expected {channels} numbers each (one per channel), std non-zero.");
        bool inGraph = Value(InGraphKey) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new ScoringError($"{file}: metadata '{InGraphKey}' is '{other}'; expected \"true\" or \"false\"."),
        };

        CheckInput(session, file, shape);
        var task = metadata.TryGetValue(TaskKey, out string? name) ? name switch
        {
            "detection" => ModelTask.Detection,
            "segmentation" => ModelTask.Segmentation,
            _ => throw new ScoringError($"{file}: metadata '{TaskKey}' is '{name}'; this app scores \"detection\" and \"segmentation\" exports and classifiers (no task key)."),
        } : ModelTask.Classification;
        YoloGridHead? head = null;
        if (task == ModelTask.Detection)
        {
            var anchors = Json(AnchorsKey, MetadataJson.Default.SingleArray, "a JSON array of anchor (width, height) pairs");
            string stride = Value(StrideKey);
            if (anchors.Length == 0 || anchors.Length % 2 != 0 || anchors.Any(a => !(a > 0)))
                throw new ScoringError($"{file}: metadata '{AnchorsKey}' is {Value(AnchorsKey)}; expected positive (width, height) pairs.");
            if (!float.TryParse(stride, NumberStyles.Float, CultureInfo.InvariantCulture, out float s) || !(s > 0))
                throw new ScoringError($"{file}: metadata '{StrideKey}' is '{stride}'; expected a positive number of pixels.");
            head = new YoloGridHead(anchors, s);
        }
        CheckOutput(session, file, task, classNames.Length, shape, head);
        return new ModelDescription(classNames, channels, shape[1], shape[2], mean, std, inGraph, task, head);
    }

    private static void CheckInput(InferenceSession session, string file, int[] shape)
    {
        string expected = $"[N, {shape[0]}, {shape[1]}, {shape[2]}] float (from '{InputShapeKey}')";
        if (session.InputMetadata.Count != 1 || !session.InputMetadata.TryGetValue(InputName, out var input))
            throw new ScoringError($"{file}: the model's inputs are {Names(session.InputMetadata)}; expected one input '{InputName}' {expected}.");
        var dims = input.IsTensor ? input.Dimensions : [];
        // The batch axis must be dynamic (−1): images are scored 32 at a time.
        bool fits = input.IsTensor && input.ElementType == typeof(float) && dims.Length == 4 && dims[0] == -1 && dims.Skip(1).SequenceEqual(shape);
        if (!fits)
            throw new ScoringError($"{file}: input '{InputName}' is {Describe(input)}; expected {expected}.");
    }

    private static void CheckOutput(InferenceSession session, string file, ModelTask task, int classes, int[] input, YoloGridHead? head)
    {
        long[] perImage = task switch
        {
            ModelTask.Classification => [classes],
            ModelTask.Segmentation => [classes, input[1], input[2]],
            _ => [head!.AnchorCount * (5 + classes), (long)(input[1] / head.Stride), (long)(input[2] / head.Stride)],
        };
        string expected = $"[N, {string.Join(", ", perImage)}] float ({classes} class names in '{ClassNamesKey}'" + task switch
        {
            ModelTask.Detection => $", {head!.AnchorCount} anchors × (5 + {classes}) channels on a grid of stride {head.Stride})",
            ModelTask.Segmentation => ", per pixel)",
            _ => ")",
        };
        if (!session.OutputMetadata.TryGetValue(OutputName, out var output))
            throw new ScoringError($"{file}: the model's outputs are {Names(session.OutputMetadata)}; expected an output '{OutputName}' {expected}.");
        var dims = output.IsTensor ? output.Dimensions : [];
        if (!output.IsTensor || output.ElementType != typeof(float) || dims.Length != perImage.Length + 1 || !dims.Skip(1).Select(d => (long)d).SequenceEqual(perImage))
            throw new ScoringError($"{file}: output '{OutputName}' is {Describe(output)}; expected {expected}.");
    }

    private static string Names(IReadOnlyDictionary<string, NodeMetadata> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Keys.Select(k => $"'{k}'"));

    /// <summary>"[N, 1, 28, 28] float": a dynamic axis by its symbolic name (or "?").</summary>
    private static string Describe(NodeMetadata value)
    {
        if (!value.IsTensor) return $"a {value.OnnxValueType} value, not a tensor";
        var dims = value.Dimensions.Select((d, i) => d >= 0 ? d.ToString() : value.SymbolicDimensions[i] is { Length: > 0 } s ? s : "?");
        return $"[{string.Join(", ", dims)}] {value.ElementDataType.ToString().ToLowerInvariant()}";
    }
}

/// <summary>The metadata's JSON types, serialized by generated code (no reflection, so the app can be trimmed).</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(float[]))]
internal sealed partial class MetadataJson : JsonSerializerContext;
