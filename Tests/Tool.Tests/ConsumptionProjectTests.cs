using MLNet.Cnn.Tests.Shared;
using MLNet.Cnn.Tool.Consumption;

namespace MLNet.Cnn.Tool.Tests;

[TestClass]
public sealed class ConsumptionProjectTests
{
    /// <summary>
    /// The generated project, referencing the repository's Trainers project (--library-project), builds with the dotnet CLI
    /// in a child process, and its program prints the label that <c>mlnet-cnn predict</c> gives for the same image.
    /// </summary>
    [TestMethod]
    public void TheGeneratedProjectBuildsAndPredictsWhatPredictDoes()
    {
        var rows = TrainedRows.Instance;
        string project = Path.Combine(rows.ModelFolder, "Rows.Consumption");
        string csproj = File.ReadAllText(Path.Combine(project, "Rows.Consumption.csproj"));
        StringAssert.Contains(csproj, $"""<ProjectReference Include="{Path.Combine(TrainedRows.RepositoryRoot, "Trainers", "MLNet.Cnn.Trainers.csproj")}" />""");
        Assert.DoesNotContain("PackageReference Include=\"MLNet.Cnn.Trainers\"", csproj);

        // Release: the referenced library projects are those the tests were built with, already up to date
        DotnetCli.Run(project, TimeSpan.FromMinutes(4), "build", "-c", "Release", "--disable-build-servers", "-v", "quiet", "-nologo");
        foreach (string label in TrainedRows.Labels)
        {
            string image = rows.ImagesOf(label)[3];
            string predicted = ToolRun.Of("predict", image, "--model", rows.ModelFolder, "--format", "csv").Succeeded().Split('\n')[1].Split(',')[2];
            string output = DotnetCli.Run(project, TimeSpan.FromMinutes(1), Path.Combine("bin", "Release", "net10.0", "Rows.Consumption.dll"), image);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.AreEqual(predicted, lines[0], output);
            Assert.HasCount(1 + 3, lines, "the label, then every label with its probability");
        }
    }

    [TestMethod]
    public void ByDefaultTheProjectReferencesTheTrainersPackageOfTheToolsVersion()
    {
        var rows = TrainedRows.Instance;
        string folder = rows.NewFolder("package-reference");
        ConsumptionProject.Write(folder, "Photos", ConsumptionProject.LibraryReference(libraryProject: null));
        string csproj = File.ReadAllText(Path.Combine(folder, "Photos.Consumption", "Photos.Consumption.csproj"));
        StringAssert.Contains(csproj, """<PackageReference Include="MLNet.Cnn.Trainers" Version="0.1.0" />""");
        StringAssert.Contains(csproj, """<PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.32.0" />""");
        StringAssert.Contains(csproj, "<TargetFramework>net10.0</TargetFramework>");
        StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "Photos.Consumption", "PhotosModel.cs")), "public static class PhotosModel");
    }
}
