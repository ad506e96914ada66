using System.CommandLine;

namespace MLNet.Cnn.Tool.Commands;

/// <summary>
/// One subcommand of <c>mlnet-cnn</c>. <see cref="Cli"/> finds every implementation in this assembly, so adding a command
/// (e.g. <c>explain</c>) is adding one file with a class that implements this interface and has a parameterless constructor.
/// </summary>
internal interface IToolCommand
{
    /// <summary>Where the command stands in <c>--help</c>'s list: the workflow order (train 10, evaluate 20, predict 30, export 40, summary 50).</summary>
    int Order { get; }

    /// <summary>The command with its options and its action; the action writes to <c>ParseResult.InvocationConfiguration.Output</c> and returns an exit code.</summary>
    Command Create();
}
