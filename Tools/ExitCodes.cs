namespace MLNet.Cnn.Tool;

/// <summary>What <c>mlnet-cnn</c> exits with (docs/cli.md lists them).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// Bad input: a missing or unreadable path, a folder without images or with one class, a model file that does not load,
    /// an image that does not decode (<see cref="BadInputException"/>) — one message on stderr naming the path. Also an
    /// unexpected failure, which prints the whole exception for a bug report.
    /// </summary>
    public const int BadInput = 1;

    /// <summary>A usage error: an unknown command or option, a missing or malformed argument, a value out of range.</summary>
    public const int Usage = 2;
}
