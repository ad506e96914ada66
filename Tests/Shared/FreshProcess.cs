using System.Diagnostics;

namespace MLNet.Cnn.Tests.Shared;

/// <summary>Runs one test of a test assembly in a second test host (a fresh process) through <c>dotnet test</c> (linked into each test project).</summary>
internal static class FreshProcess
{
    /// <summary>Runs <paramref name="test"/> with the environment variable set; fails unless it passes. Returns its output.</summary>
    public static string RunTest(Type testClass, string test, string variable, string value)
    {
        using var child = Start(testClass, test, variable, value);
        var error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd() + error.Result;
        child.WaitForExit();
        Assert.AreEqual(0, child.ExitCode, output);
        return output;
    }

    /// <summary>Starts <paramref name="test"/> with the environment variable set, its output redirected, and returns at once.</summary>
    public static Process Start(Type testClass, string test, string variable, string value)
    {
        var start = new ProcessStartInfo("dotnet", ["test", testClass.Assembly.Location, "--filter", $"FullyQualifiedName~{testClass.Name}.{test}"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[variable] = value;
        return Process.Start(start)!;
    }
}
