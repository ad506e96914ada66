namespace MLNet.Cnn.Tool.Tests;

/// <summary>One in-process run of the tool: its exit code and what it wrote to stdout and stderr.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>mlnet-cnn <paramref name="args"/></c> through <see cref="Cli.Run"/>.</summary>
    public static ToolRun Of(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = Cli.Run(args, output, error);
        return new ToolRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Fails unless the run succeeded; returns its output.</summary>
    public string Succeeded()
    {
        Assert.AreEqual(ExitCodes.Success, ExitCode, $"stdout:\n{Output}\nstderr:\n{Error}");
        Assert.AreEqual("", Error, "a successful run writes nothing to stderr");
        return Output;
    }

    /// <summary>
    /// Fails unless the run failed with <paramref name="exitCode"/> and a clear message on stderr containing every one of
    /// <paramref name="expected"/>, without a stack trace: bad input is one line; a usage error is a line per parse error,
    /// then the pointer to --help.
    /// </summary>
    public void FailedWith(int exitCode, params string[] expected)
    {
        Assert.AreEqual(exitCode, ExitCode, $"stdout:\n{Output}\nstderr:\n{Error}");
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var messages = exitCode == ExitCodes.Usage ? lines[..^1] : lines;
        if (exitCode == ExitCodes.Usage) Assert.StartsWith("Run 'mlnet-cnn", lines[^1]);
        else Assert.HasCount(1, lines, Error);
        Assert.IsNotEmpty(messages, Error);
        Assert.IsTrue(messages.All(m => m.StartsWith("mlnet-cnn: ", StringComparison.Ordinal)), Error);
        Assert.DoesNotContain("   at ", Error, "no stack trace");
        foreach (string text in expected) Assert.Contains(text, Error);
    }
}
