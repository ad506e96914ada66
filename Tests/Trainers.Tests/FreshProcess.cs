using System.Diagnostics;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>Runs one test of this assembly in a second test host (a fresh process) through <c>dotnet test</c>.</summary>
internal static class FreshProcess
{
    /// <summary>Runs <paramref name="test"/> with the environment variable set; fails unless it passes. Returns its output.</summary>
    public static string RunTest(Type testClass, string test, string variable, string value)
    {
        var start = new ProcessStartInfo("dotnet", ["test", testClass.Assembly.Location, "--filter", $"FullyQualifiedName~{testClass.Name}.{test}"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[variable] = value;
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd() + error.Result;
        child.WaitForExit();
        Assert.AreEqual(0, child.ExitCode, output);
        return output;
    }
}
