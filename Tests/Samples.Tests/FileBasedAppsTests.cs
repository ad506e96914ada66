using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>
/// Samples/Apps, the .NET 10 file-based apps (one per sample): each builds with <c>dotnet build app.cs</c> as a child process,
/// as a user's <c>dotnet run app.cs</c> builds it (Directory.Build.props applies: warnings are errors), and the Fashion-MNIST
/// app runs end to end on a small setting. The apps reference the libraries as this test run built them
/// (<c>BuildProjectReferences=false</c>), so the builds run side by side, one per core, without two of them building
/// the same library at once. On a busy 2-core machine: 70–80 s for the ten builds from scratch (one at a time: 106 s; the
/// compile of each app against its references is most of it), 15 s when they are up to date (the SDK keeps each app's
/// build under ~/.local/share/dotnet/runfile), and 10 s for the Fashion-MNIST run.
/// </summary>
[TestClass]
public sealed class FileBasedAppsTests
{
    /// <summary>One per sample, the name of the sample in kebab case.</summary>
    private static readonly string[] Apps =
    [
        "augmentation.cs", "detection.cs", "edge-scoring.cs", "fashion-mnist.cs", "fashion-mnist-train.cs", "image-folder.cs",
        "model-compression.cs", "segmentation.cs", "transfer-learning.cs", "web-api.cs",
    ];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static string AppsDirectory([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../Samples/Apps"));

    [TestMethod]
    public void EveryAppBuilds()
    {
        CollectionAssert.AreEquivalent(Apps, Directory.GetFiles(AppsDirectory(), "*.cs").Select(Path.GetFileName).ToArray(),
            "the apps in Samples/Apps are the ones listed here");
        var failed = Apps.AsParallel().WithDegreeOfParallelism(Environment.ProcessorCount)
            .Select(app => (App: app, Build: DotnetCli.Execute(AppsDirectory(), Timeout, ["build", app, .. BuildArguments, "-v", "quiet"])))
            .Where(result => result.Build.ExitCode != 0).ToArray();
        Assert.AreEqual(0, failed.Length, string.Join("\n\n", failed.Select(f => $"dotnet build {f.App} failed:\n{f.Build.Output}")));
    }

    [TestMethod]
    public void TheFashionMnistAppTrainsEvaluatesSavesReloadsAndPredictsOnASmallSetting()
    {
        if (!Data.FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {Data.FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist (CI installs it).");
        var directory = Directory.CreateTempSubdirectory("cnn-fashion-mnist-app-");
        try
        {
            string output = DotnetCli.Run(directory.FullName, Timeout, ["run", Path.Combine(AppsDirectory(), "fashion-mnist.cs"), .. BuildArguments,
                "--", "--train-count", "5000", "--test-count", "1000", "--epochs", "1"]);
            StringAssert.Contains(output, "5000 training and 1000 test images");
            StringAssert.Contains(output, "epoch 1/1  batch 79/79", "the epoch's progress line");
            StringAssert.Contains(output, "Confusion table");
            Assert.AreEqual(5, output.Split('\n').Count(line => line.Contains(" → ")), $"five predictions of the reloaded model:\n{output}");
            Assert.IsTrue(File.Exists(Path.Combine(directory.FullName, "fashion-mnist-cnn.zip")), "the saved model");
            var accuracy = Regex.Match(output, @"RESULT accuracy=([0-9.]+)");
            Assert.IsTrue(accuracy.Success && double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture) > 0.6,
                $"one epoch on 5,000 images learns: {output}");
        }
        finally { directory.Delete(recursive: true); }
    }

    /// <summary>The test run's configuration; the libraries are those this test run built.</summary>
    private static string[] BuildArguments => ["-c", DotnetCli.Configuration, "-p:BuildProjectReferences=false"];
}
