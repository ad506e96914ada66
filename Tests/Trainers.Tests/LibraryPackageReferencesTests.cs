using System.Xml.Linq;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The libraries leave the native runtimes to the application: Core, Transforms and Trainers reference the managed ONNX
/// Runtime API only, so an app can pick <c>Microsoft.ML.OnnxRuntime</c>, <c>.Gpu</c> or another build, and no native
/// asset package (SkiaSharp's, HarfBuzz's, libtorch) comes from us (ML.NET's ImageAnalytics brings SkiaSharp's Linux
/// natives itself). Read from the project files, the one place the references are declared.
/// </summary>
[TestClass]
public sealed class LibraryPackageReferencesTests
{
    private static readonly string[] Libraries = ["Core/MLNet.Cnn.Core.csproj", "Transforms/MLNet.Cnn.Transforms.csproj", "Trainers/MLNet.Cnn.Trainers.csproj"];

    /// <summary>Package ids that carry a native runtime: the ONNX Runtime builds (not the managed API), native asset packages, libtorch.</summary>
    private static bool IsNative(string id) =>
        id.Equals("Microsoft.ML.OnnxRuntime", StringComparison.OrdinalIgnoreCase)
        || (id.StartsWith("Microsoft.ML.OnnxRuntime.", StringComparison.OrdinalIgnoreCase) && !id.Equals("Microsoft.ML.OnnxRuntime.Managed", StringComparison.OrdinalIgnoreCase))
        || id.Contains(".NativeAssets.", StringComparison.OrdinalIgnoreCase)
        || id.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
        || id.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase);

    [TestMethod]
    public void TheLibrariesReferenceNoNativeRuntimePackage()
    {
        foreach (var library in Libraries)
        {
            var ids = PackageIds(library);
            var native = ids.Where(IsNative).ToArray();
            Assert.AreEqual(0, native.Length, $"{library} references native runtime packages: {string.Join(", ", native)}");
            if (library != Libraries[0])
                CollectionAssert.Contains(ids, "Microsoft.ML.OnnxRuntime.Managed", $"{library}: the managed ONNX Runtime API, named at the version the app's native package matches");
        }
    }

    [TestMethod]
    public void TheNativeCheckKnowsTheNativePackages()
    {
        foreach (var id in new[] { "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu", "SkiaSharp.NativeAssets.Linux.NoDependencies", "HarfBuzzSharp.NativeAssets.Linux", "libtorch-cpu" })
            Assert.IsTrue(IsNative(id), id);
        foreach (var id in new[] { "Microsoft.ML.OnnxRuntime.Managed", "SkiaSharp", "Microsoft.ML.ImageAnalytics", "Microsoft.ML.OnnxTransformer" })
            Assert.IsFalse(IsNative(id), id);
    }

    private static string[] PackageIds(string project) =>
        XDocument.Load(Path.Combine(RepositoryRoot(), project)).Descendants("PackageReference")
            .Select(reference => (string?)reference.Attribute("Include") ?? "").ToArray();

    /// <summary>The folder holding MLNet.Cnn.sln, above the test's output folder.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "MLNet.Cnn.sln"))) return folder.FullName;
        throw new InvalidOperationException($"MLNet.Cnn.sln not found above {AppContext.BaseDirectory}.");
    }
}
