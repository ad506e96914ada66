namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>The scorer of a model file, chosen by its extension: <c>.zip</c> a saved ML.NET model, <c>.onnx</c> an OnnxExporter export.</summary>
internal static class ImageScorers
{
    /// <summary>What <see cref="ScoringJob.ModelPath"/> may be, for the errors.</summary>
    public const string Expected = "an ML.NET model.zip of the CNN classifier or its ONNX export (.onnx, OnnxExporter)";

    /// <summary>Whether <paramref name="path"/>'s extension names a model kind <see cref="Load"/> takes.</summary>
    public static bool IsKnown(string path) => KindOf(path) is not null;

    /// <summary>Loads the model at <paramref name="path"/>; an unknown extension, a missing file or a file that is no such classifier is bad input.</summary>
    public static IImageScorer Load(string path) => KindOf(path) switch
    {
        ".zip" => SavedModelScorer.Load(path),
        ".onnx" => OnnxModelScorer.Load(path),
        _ => throw new InvalidDataException($"The model '{path}' has the extension '{System.IO.Path.GetExtension(path)}'; expected {Expected}."),
    };

    private static string? KindOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".zip" => ".zip",
        ".onnx" => ".onnx",
        _ => null,
    };
}
