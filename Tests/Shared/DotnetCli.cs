using System.Diagnostics;
using System.Text;

namespace MLNet.Cnn.Tests.Shared;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, as a user's shell would.</summary>
internal static class DotnetCli
{
    /// <summary>The configuration this test assembly was built in, which its projects' outputs have.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="directory"/>; fails the test on a non-zero exit; returns stdout and stderr.</summary>
    public static string Run(string directory, TimeSpan timeout, params string[] arguments)
    {
        var (exitCode, output) = Execute(directory, timeout, arguments);
        Assert.AreEqual(0, exitCode, $"dotnet {string.Join(' ', arguments)} in {directory} failed:\n{output}");
        return output;
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="directory"/>: its exit code and its stdout and stderr
    /// (interleaved as they came). A command still running after <paramref name="timeout"/> is killed and says so. Waits
    /// for the end of the output only a few seconds after the exit: a build server the command started may hold it open.
    /// </summary>
    public static (int ExitCode, string Output) Execute(string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
            { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        // The test host runs under `dotnet test`: its MSBuild variables would point the child's build at the wrong SDK
        // state, and NUGET_PACKAGES would override the consumer's own packages folder (its nuget.config).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        var ended = new CountdownEvent(2);   // stdout and stderr closed (not disposed: a late end of output may still signal it)
        using var child = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, line) =>
        {
            if (line.Data is null) ended.Signal();
            else lock (output) output.AppendLine(line.Data);
        };
        child.OutputDataReceived += collect;
        child.ErrorDataReceived += collect;
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        if (!child.WaitForExit(timeout))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit(TimeSpan.FromSeconds(10));
            lock (output) output.AppendLine($"(killed: still running after {timeout.TotalSeconds:F0} s)");
        }
        ended.Wait(TimeSpan.FromSeconds(5));
        lock (output) return (child.HasExited ? child.ExitCode : -1, output.ToString());
    }
}
