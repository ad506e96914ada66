using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace MLNet.Cnn.Samples.Tests.PackageFeed;

/// <summary>
/// The package route a user takes: <c>dotnet pack</c> the solution into a local folder feed, installs the mlnet-cnn tool from it and runs it, then two fresh console
/// projects outside the repository that reference packages only. The first references MLNet.Cnn.Trainers and the native
/// ONNX Runtime, trains a tiny CNN in an ML.NET pipeline, saves the model and predicts; the second references only what a
/// scoring app needs (Microsoft.ML, Microsoft.ML.OnnxTransformer, the native ONNX Runtime), loads the model and predicts
/// the same images: the predictions must be the same. Packs what the test run was built from (<c>--no-build</c>).
/// Filter: <c>--filter TestCategory=LocalFeed</c> (or <c>TestCategory!=LocalFeed</c> to leave it out). About 75 s on a
/// busy 2-core machine: pack 20 s, restore and build of both apps 45 s (everything but the new packages comes from the
/// machine's packages folder), training and scoring 7 s.
/// </summary>
[TestClass]
public sealed class PackageFeedTests
{
    /// <summary>The four libraries and the mlnet-cnn dotnet tool.</summary>
    private static readonly string[] Packages = ["MLNet.Cnn.Core", "MLNet.Cnn.Transforms", "MLNet.Cnn.Trainers", "MLNet.Cnn.Visualization", "MLNet.Cnn.Tool"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("LocalFeed")]
    public void PackagesFromALocalFeedTrainSaveLoadAndPredictInFreshProjects()
    {
        var clock = Stopwatch.StartNew();
        string repository = RepositoryRoot(), work = Path.Combine(Path.GetTempPath(), "mlnet-cnn-feed-" + Guid.NewGuid().ToString("N")[..8]);
        string feed = Path.Combine(work, "feed");
        try
        {
            // A version of its own per run, so that no cache anywhere can hold a package of that version from elsewhere.
            string version = "0.1.0-feedtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            DotnetCli.Run(repository, TimeSpan.FromMinutes(5), "pack", "MLNet.Cnn.sln", "-c", DotnetCli.Configuration, "--no-build",
                "-o", feed, $"-p:PackageVersion={version}", "--disable-build-servers", "-v", "quiet");
            CollectionAssert.AreEquivalent(
                Packages.SelectMany(id => new[] { $"{id}.{version}.nupkg", $"{id}.{version}.snupkg" }).ToArray(),
                Directory.GetFiles(feed).Select(Path.GetFileName).ToArray(), "dotnet pack of the solution gives exactly the four libraries and the tool, each with symbols");
            TestContext.WriteLine($"packed in {clock.Elapsed.TotalSeconds:F0} s");

            // The tool installs from the feed as a user installs it, and runs.
            string tools = Path.Combine(work, "tools");
            DotnetCli.Run(work, TimeSpan.FromMinutes(3), "tool", "install", "MLNet.Cnn.Tool", "--version", version, "--tool-path", tools,
                "--add-source", feed, "--disable-parallel");
            var help = Process.Start(new ProcessStartInfo(Path.Combine(tools, "mlnet-cnn"), "--help") { RedirectStandardOutput = true })!;
            string helpText = help.StandardOutput.ReadToEnd();
            Assert.IsTrue(help.WaitForExit(TimeSpan.FromMinutes(1)) && help.ExitCode == 0, helpText);
            foreach (string command in new[] { "train", "evaluate", "predict", "export", "summary", "explain" }) StringAssert.Contains(helpText, command);
            TestContext.WriteLine($"tool installed and run in {clock.Elapsed.TotalSeconds:F0} s");

            // The versions of ML.NET and ONNX Runtime the packages were built against, read from the Trainers package.
            var dependencies = Dependencies(Path.Combine(feed, $"MLNet.Cnn.Trainers.{version}.nupkg"));
            string onnxRuntime = dependencies.First(d => d.Key.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)).Value;
            var sources = RepositorySources(repository);

            var trainer = ConsumerApp.Create(Path.Combine(work, "Train"), "Train", feed, sources,
                new Dictionary<string, string> { ["MLNet.Cnn.Trainers"] = version, ["Microsoft.ML.OnnxRuntime"] = onnxRuntime },
                "Train.cs", "StripeImages.cs");
            var scorer = ConsumerApp.Create(Path.Combine(work, "Score"), "Score", feed, sources,
                new Dictionary<string, string>
                {
                    ["Microsoft.ML"] = dependencies["Microsoft.ML"], ["Microsoft.ML.OnnxTransformer"] = dependencies["Microsoft.ML.OnnxTransformer"],
                    ["Microsoft.ML.OnnxRuntime"] = onnxRuntime,
                },
                "Score.cs", "StripeImages.cs");
            trainer.Build();
            scorer.Build();
            TestContext.WriteLine($"built in {clock.Elapsed.TotalSeconds:F0} s");

            string model = Path.Combine(work, "model.zip");
            var trained = Predictions(trainer.Run(model));
            var loaded = Predictions(scorer.Run(model));
            TestContext.WriteLine($"trained and scored in {clock.Elapsed.TotalSeconds:F0} s\n{string.Join('\n', trained)}");

            Assert.HasCount(6, trained);
            CollectionAssert.AreEqual(trained, loaded, "the loaded model predicts what the trained one did");
            Assert.IsTrue(trained.Select(p => p.Split(' ')[1]).Distinct().Count() > 1, "the tiny CNN learned something: not one label for all");
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The "PREDICTION label scores…" lines of an app's output.</summary>
    private static List<string> Predictions(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("PREDICTION ", StringComparison.Ordinal)).ToList();

    /// <summary>The package dependencies (id → version) in a .nupkg's nuspec.</summary>
    private static Dictionary<string, string> Dependencies(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
            .GroupBy(e => (string)e.Attribute("id")!).ToDictionary(g => g.Key, g => (string)g.First().Attribute("version")!);
    }

    /// <summary>The package sources of the repository's nuget.config (the served feed).</summary>
    private static List<string> RepositorySources(string repository) =>
        XDocument.Load(Path.Combine(repository, "nuget.config")).Descendants("packageSources").Elements("add")
            .Select(e => (string)e.Attribute("value")!).ToList();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "MLNet.Cnn.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No MLNet.Cnn.sln above {AppContext.BaseDirectory}.");
    }
}
