namespace MLNet.Cnn.Tool.Models;

/// <summary>
/// The files <c>train</c> writes into its output folder, and how a <c>--model</c> argument finds them: the folder itself,
/// or one of its files, beside which the other files are looked for by the same base name.
/// </summary>
internal static class ModelFiles
{
    public const string MlNetModel = "model.zip", CoreModel = "model.cnn", Onnx = "model.onnx", Report = "report.md";

    /// <summary>The ML.NET model (a .zip) that <paramref name="model"/> names: the folder's model.zip, or the file itself.</summary>
    public static string MlNetModelOf(string model) => Find(model, MlNetModel, ".zip", "an ML.NET model (.zip)");

    /// <summary>The core's model file (a .cnn) that <paramref name="model"/> names: the folder's model.cnn, the file itself, or the .cnn beside a .zip.</summary>
    public static string CoreModelOf(string model) => Find(model, CoreModel, ".cnn", "an MLNet.Cnn model file (.cnn)");

    private static string Find(string model, string inFolder, string extension, string what)
    {
        string path = Path.GetFullPath(model);
        if (Directory.Exists(path))
        {
            string file = Path.Combine(path, inFolder);
            return File.Exists(file) ? file
                : throw new BadInputException($"The model folder '{path}' has no {inFolder}; expected the folder 'mlnet-cnn train' wrote (--out), which holds {what}.");
        }
        if (!File.Exists(path)) throw new BadInputException($"The model '{path}' does not exist; expected the folder 'mlnet-cnn train' wrote (--out) or {what}.");
        if (string.Equals(Path.GetExtension(path), extension, StringComparison.OrdinalIgnoreCase)) return path;
        string beside = Path.ChangeExtension(path, extension);
        return File.Exists(beside) ? beside
            : throw new BadInputException($"The model '{path}' is not {what}, and there is no '{Path.GetFileName(beside)}' beside it.");
    }
}
