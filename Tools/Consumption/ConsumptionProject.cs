using System.Reflection;
using System.Runtime.Versioning;
using System.Security;
using System.Text.RegularExpressions;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Consumption;

/// <summary>
/// The console project <c>train</c> writes beside the model, as Model Builder generates one: <c>&lt;Name&gt;.Consumption/</c>
/// with <c>ModelInput</c> (the image bytes and the label), <c>ModelOutput</c> (PredictedLabel, Score), a static
/// <c>&lt;Name&gt;Model.Predict(ModelInput)</c> over the model loaded once, and a Program that predicts the image given on
/// its command line. The sources are the templates in Consumption/Templates (embedded), with <c>{{Key}}</c> placeholders.
/// </summary>
internal static partial class ConsumptionProject
{
    /// <summary>The template resources and the file each becomes (<c>{Name}</c>: the name given to <see cref="Write"/>).</summary>
    private static readonly (string Template, string File)[] Files =
    [
        ("Project.csproj.template", "{Name}.Consumption.csproj"),
        ("ModelInput.cs.template", "ModelInput.cs"),
        ("ModelOutput.cs.template", "ModelOutput.cs"),
        ("Model.cs.template", "{Name}Model.cs"),
        ("Program.cs.template", "Program.cs"),
    ];

    /// <summary>A C# identifier, which the project's namespace and classes are named with.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial Regex Identifier();

    /// <summary>
    /// Writes the project into <c>&lt;modelFolder&gt;/&lt;name&gt;.Consumption/</c> and returns its folder; it references the
    /// library as <paramref name="libraryReference"/> (<see cref="LibraryReference"/>) says.
    /// </summary>
    public static string Write(string modelFolder, string name, string libraryReference)
    {
        string projectName = $"{name}.Consumption";
        var values = new Dictionary<string, string>
        {
            ["Name"] = name,
            ["ProjectName"] = projectName,
            ["Namespace"] = projectName,
            ["ModelClass"] = $"{name}Model",
            ["ModelFile"] = ModelFiles.MlNetModel,
            ["TargetFramework"] = TargetFramework,
            ["OnnxRuntimeVersion"] = Metadata("OnnxRuntimeVersion"),
            ["LibraryReference"] = libraryReference,
        };
        var folder = Directory.CreateDirectory(Path.Combine(modelFolder, projectName));
        foreach (var (template, file) in Files)
            File.WriteAllText(Path.Combine(folder.FullName, file.Replace("{Name}", name)), Fill(Template(template), values));
        return folder.FullName;
    }

    /// <summary>A project name from an image folder's name: its letters and digits in PascalCase ("shapes-folder" → "ShapesFolder"), never starting with a digit.</summary>
    public static string NameFrom(string imageFolder)
    {
        var words = Regex.Split(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(imageFolder))), "[^A-Za-z0-9]+").Where(w => w.Length > 0);
        string name = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        return name.Length == 0 ? "Image" : char.IsDigit(name[0]) ? "Images" + name : name;
    }

    /// <summary>
    /// The project file's reference to MLNet.Cnn.Trainers: the package of the tool's own version, or
    /// <paramref name="libraryProject"/> (a .csproj) when given — checked here, before anything is trained.
    /// </summary>
    public static string LibraryReference(string? libraryProject)
    {
        if (libraryProject is null)
            return $"""    <PackageReference Include="MLNet.Cnn.Trainers" Version="{TrainersVersion}" />""";
        string path = Path.GetFullPath(libraryProject);
        if (!File.Exists(path) || !path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            throw new BadInputException($"The library project '{path}' does not exist or is not a .csproj; expected the path of MLNet.Cnn.Trainers.csproj.");
        return $"""    <ProjectReference Include="{SecurityElement.Escape(path)}" />""";
    }

    /// <summary>The version of the MLNet.Cnn.Trainers the tool was built with (its informational version, without the source revision).</summary>
    private static string TrainersVersion =>
        typeof(CnnCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>The tool's own target framework ("net10.0").</summary>
    private static string TargetFramework =>
        "net" + new FrameworkName(typeof(ConsumptionProject).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName).Version.ToString(2);

    /// <summary>A value the tool's project file stamps into the assembly (AssemblyMetadata).</summary>
    private static string Metadata(string key) =>
        typeof(ConsumptionProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Template(string name)
    {
        using var stream = typeof(ConsumptionProject).Assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Regex.Replace(template, @"\{\{(\w+)\}\}", m => values[m.Groups[1].Value]);
}
