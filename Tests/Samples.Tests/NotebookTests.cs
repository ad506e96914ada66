using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>
/// The notebooks' C# cells, compiled as one C# script (the semantics .NET Interactive gives a notebook) against the
/// assemblies this test project references: a renamed API or a typo in a notebook fails here. The <c>#r</c> lines are
/// the notebook's way to reference the same assemblies and are left out.
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    private static string NotebookDirectory([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../Samples/notebooks"));

    public static IEnumerable<object[]> Notebooks() =>
        Directory.EnumerateFiles(NotebookDirectory(), "*.ipynb").Select(path => new object[] { Path.GetFileName(path) });

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    public void TheNotebooksCodeCompiles(string notebook)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebookDirectory(), notebook)));
        var code = string.Join("\n", document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(cell => cell.GetProperty("cell_type").GetString() == "code")
            .SelectMany(cell => cell.GetProperty("source").EnumerateArray().Select(line => line.GetString()!.TrimEnd('\n')))
            .Where(line => !line.StartsWith("#r ") && !line.StartsWith("#!")));
        Assert.IsTrue(code.Length > 0, "the notebook has code");

        var references = new[] { typeof(Trainers.CnnCatalog), typeof(Microsoft.ML.MLContext), typeof(Microsoft.ML.Data.VectorTypeAttribute),
                typeof(Cnn.Models.SmallVgg), typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer) }
            .Select(t => t.Assembly)
            .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0));
        var options = ScriptOptions.Default.WithReferences(references.Distinct());
        var errors = CSharpScript.Create(code, options).Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.AreEqual(0, errors.Length, string.Join("\n", errors.Select(e => e.ToString())));
    }
}
