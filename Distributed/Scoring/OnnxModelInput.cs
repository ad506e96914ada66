using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// What an OnnxExporter classifier export says about its input and output in its metadata_props (the keys of
/// <see cref="OnnxExporter"/>): the class names, the image shape [C, H, W], the per-channel normalization (x − mean) / std
/// and whether the graph applies it itself. A file without them, or with values of another form, is bad input naming the file.
/// </summary>
internal sealed record OnnxModelInput(string[] ClassNames, int Channels, int Height, int Width, float[] Mean, float[] Std, bool NormalizationInGraph)
{
    /// <summary>Reads and checks the metadata of <paramref name="session"/>, the model at <paramref name="path"/>.</summary>
    public static OnnxModelInput Read(InferenceSession session, string path)
    {
        var metadata = session.ModelMetadata.CustomMetadataMap;
        string Value(string key) => metadata.TryGetValue(key, out string? value)
            ? value
            : throw new InvalidDataException($"The model '{path}' has no '{key}' metadata; expected an ONNX classifier exported by OnnxExporter.");
        T Json<T>(string key, string expected)
        {
            string value = Value(key);
            try { return JsonSerializer.Deserialize<T>(value) ?? throw new JsonException("null"); }
            catch (JsonException) { throw new InvalidDataException($"The model '{path}' has metadata '{key}' = {value}; expected {expected}."); }
        }

        var classNames = Json<string[]>(OnnxExporter.ClassNamesKey, "a JSON array of class names");
        var shape = Json<int[]>(OnnxExporter.InputShapeKey, "a JSON array [C, H, W]");
        if (classNames.Length == 0 || shape.Length != 3 || shape[0] is not (1 or 3) || shape[1] <= 0 || shape[2] <= 0)
            throw new InvalidDataException($"The model '{path}' has {classNames.Length} class names and input shape [{string.Join(", ", shape)}]; " +
                                           "expected at least one class and [C, H, W] with C = 1 (grayscale) or 3 (RGB) and positive H, W.");
        int channels = shape[0];
        var mean = Json<float[]>(OnnxExporter.NormalizationMeanKey, $"a JSON array of {channels} numbers");
        var std = Json<float[]>(OnnxExporter.NormalizationStdKey, $"a JSON array of {channels} numbers");
        if (mean.Length != channels || std.Length != channels || std.Any(s => s == 0))
            throw new InvalidDataException($"The model '{path}' has {mean.Length} normalization means and {std.Length} stds; expected {channels} each (one per channel), std non-zero.");
        bool inGraph = Value(OnnxExporter.NormalizationInGraphKey) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new InvalidDataException($"The model '{path}' has metadata '{OnnxExporter.NormalizationInGraphKey}' = '{other}'; expected \"true\" or \"false\"."),
        };
        if (!session.InputMetadata.ContainsKey(OnnxExporter.InputName) || !session.OutputMetadata.ContainsKey(OnnxExporter.OutputName))
            throw new InvalidDataException($"The model '{path}' has inputs {string.Join(", ", session.InputMetadata.Keys)} and outputs {string.Join(", ", session.OutputMetadata.Keys)}; " +
                                           $"expected the input '{OnnxExporter.InputName}' and the output '{OnnxExporter.OutputName}' of a classifier export.");
        return new OnnxModelInput(classNames, channels, shape[1], shape[2], mean, std, inGraph);
    }
}
