namespace MLNet.Cnn.Tool.Tests;

/// <summary>
/// The model the tests share, trained once per test run by <c>mlnet-cnn train</c> on a generated folder of
/// <see cref="RowImages"/> (3 labels × 30 images, 32×32), with the consumption project referencing the repository's
/// Trainers project.
/// </summary>
internal sealed class TrainedRows
{
    public const int PerClass = 30, Epochs = 3;

    private static readonly Lazy<TrainedRows> Shared = new(Train);

    private TrainedRows(string root, ToolRun training) => (Root, Training) = (root, training);

    /// <summary>The temporary folder of the test run: rows/, model/ and the folders tests make.</summary>
    public string Root { get; }

    public string Images => Path.Combine(Root, "rows");

    public string ModelFolder => Path.Combine(Root, "model");

    /// <summary>What <c>train</c> exited with and printed.</summary>
    public ToolRun Training { get; }

    /// <summary>The trained model (trained on first use), after checking that training succeeded.</summary>
    public static TrainedRows Instance
    {
        get
        {
            Shared.Value.Training.Succeeded();
            return Shared.Value;
        }
    }

    public static IEnumerable<string> Labels => RowImages.Classes.Select(c => c.Label);

    /// <summary>The repository's root folder (where MLNet.Cnn.sln is), found above the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "MLNet.Cnn.sln"))) return folder.FullName;
            throw new InvalidOperationException($"No MLNet.Cnn.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>A new empty folder inside <see cref="Root"/>.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 7)])).FullName;

    /// <summary>The image files of one label, in order.</summary>
    public string[] ImagesOf(string label) => Directory.GetFiles(Path.Combine(Images, label)).Order(StringComparer.Ordinal).ToArray();

    public static void Cleanup()
    {
        if (Shared.IsValueCreated) Directory.Delete(Shared.Value.Root, recursive: true);
    }

    private static TrainedRows Train()
    {
        string root = Directory.CreateTempSubdirectory("mlnet-cnn-tool-").FullName;
        RowImages.Write(Path.Combine(root, "rows"), PerClass);
        var training = ToolRun.Of("train", "--images", Path.Combine(root, "rows"), "--out", Path.Combine(root, "model"), "--size", "32",
            "--epochs", Epochs.ToString(), "--batch-size", "16", "--library-project", Path.Combine(RepositoryRoot, "Trainers", "MLNet.Cnn.Trainers.csproj"));
        return new TrainedRows(root, training);
    }
}

[TestClass]
public static class TestRun
{
    [AssemblyCleanup]
    public static void Cleanup() => TrainedRows.Cleanup();
}
