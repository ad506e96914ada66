using System.Security;

namespace MLNet.Cnn.Samples.Tests.PackageFeed;

/// <summary>
/// A fresh console project in its own folder, outside the repository: its csproj references packages only, and its
/// nuget.config lists the local feed and the repository's package sources. Its packages folder is its own (so a package
/// packed by an earlier run can never be taken from a cache), falling back read-only to the machine's packages folder
/// for everything already restored there (ML.NET, ONNX Runtime …), so nothing is downloaded twice.
/// </summary>
internal sealed class ConsumerApp(string directory, string name)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5), RunTimeout = TimeSpan.FromMinutes(2);

    public string Directory { get; } = directory;

    /// <summary>Writes the project: <paramref name="packages"/> (id → version) and the given source files of the test's PackageFeed/Apps.</summary>
    public static ConsumerApp Create(string directory, string name, string feed, IEnumerable<string> repositorySources,
        IReadOnlyDictionary<string, string> packages, params string[] sources)
    {
        System.IO.Directory.CreateDirectory(directory);
        var references = string.Concat(packages.Select(p => $"""    <PackageReference Include="{p.Key}" Version="{p.Value}" />{"\n"}"""));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        var sourceList = string.Concat(new[] { feed }.Concat(repositorySources)
            .Select((s, i) => $"""    <add key="source{i}" value="{SecurityElement.Escape(s)}" />{"\n"}"""));
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(Path.Combine(directory, "packages"))}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{SecurityElement.Escape(MachinePackagesFolder)}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
            {sourceList}  </packageSources>
            </configuration>
            """);
        foreach (var source in sources)
            File.Copy(Path.Combine(AppContext.BaseDirectory, "PackageFeed", "Apps", source), Path.Combine(directory, source));
        return new ConsumerApp(directory, name);
    }

    /// <summary>Restores and builds the project once, into its out/ folder.</summary>
    public void Build() =>
        DotnetCli.Run(Directory, BuildTimeout, "build", "-c", "Release", "-o", "out", "--disable-build-servers", "-v", "quiet");

    /// <summary>Runs the built app with <paramref name="arguments"/>; returns its output.</summary>
    public string Run(params string[] arguments) =>
        DotnetCli.Run(Directory, RunTimeout, [Path.Combine("out", name + ".dll"), .. arguments]);

    /// <summary>The packages folder this machine's restores use: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    private static string MachinePackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
