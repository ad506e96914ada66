using System.Runtime.CompilerServices;

namespace MLNet.Cnn.Tests.Support;

/// <summary>
/// The shared ONNX test models (README in that folder): ../shared/models beside the repository root, found from this
/// source file's path so that it does not depend on the test run's working folder.
/// </summary>
public static class TestModels
{
    /// <summary>The path of <paramref name="file"/> in the models folder; the test is inconclusive when it is absent.</summary>
    public static string PathOf(string file, [CallerFilePath] string source = "")
    {
        // source: <root>/Tests/Core.Tests/Support/TestModels.cs → <root>/../shared/models
        var root = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (root is not null && !Directory.Exists(Path.Combine(root.FullName, "Tests"))) root = root.Parent;
        string path = Path.GetFullPath(Path.Combine(root?.FullName ?? ".", "..", "shared", "models", file));
        if (!File.Exists(path)) Assert.Inconclusive($"Test model '{path}' is not there (the shared models folder, ../shared/models from the repository root, is absent).");
        return path;
    }
}
