using System.Diagnostics;

namespace MLNet.Cnn.Samples.Tests.PackageFeed;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, as a user's shell would, and fails the test on a non-zero exit.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="directory"/>; returns stdout and stderr.</summary>
    public static string Run(string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
            { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        // The test host runs under `dotnet test`: its MSBuild variables would point the child's build at the wrong SDK
        // state, and NUGET_PACKAGES would override the consumer's own packages folder (its nuget.config).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEndAsync();
        if (!child.WaitForExit(timeout))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in {timeout.TotalSeconds} s");
        }
        string text = output.Result + error.Result;
        Assert.AreEqual(0, child.ExitCode, $"dotnet {string.Join(' ', arguments)} in {directory} failed:\n{text}");
        return text;
    }
}
