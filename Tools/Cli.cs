using System.CommandLine;
using MLNet.Cnn.Tool.Commands;

namespace MLNet.Cnn.Tool;

/// <summary>
/// The command line: one <see cref="Command"/> per <see cref="IToolCommand"/> of this assembly (so a new command is one
/// new file), parsed by System.CommandLine; parse errors exit with <see cref="ExitCodes.Usage"/>, bad input with
/// <see cref="ExitCodes.BadInput"/>. Everything is written to the given writers, so tests run the tool in-process.
/// </summary>
internal static class Cli
{
    public const string Name = "mlnet-cnn";

    /// <summary>Runs the tool with <paramref name="args"/>, writing results to <paramref name="output"/> and errors to <paramref name="error"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parse = CreateRoot().Parse(args);
        // one line per error: System.CommandLine lists the allowed values of an option on lines of their own
        if (parse.Errors.Count > 0)
            return UsageError(parse, parse.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))), error);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            return UsageError(parse, [e.Message], error);
        }
        catch (BadInputException e)
        {
            error.WriteLine($"{Name}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"{Name}: unexpected error (please report it with this text):{Environment.NewLine}{e}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Writes each message, then where to find the command's usage; returns <see cref="ExitCodes.Usage"/>.</summary>
    private static int UsageError(ParseResult parse, IEnumerable<string> messages, TextWriter error)
    {
        foreach (string message in messages) error.WriteLine($"{Name}: {message}");
        var command = parse.CommandResult.Command;
        error.WriteLine($"Run '{(command is RootCommand ? Name : $"{Name} {command.Name}")} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>The root command with every <see cref="IToolCommand"/> of this assembly, in their <see cref="IToolCommand.Order"/>.</summary>
    private static RootCommand CreateRoot()
    {
        var root = new RootCommand("Train, evaluate, run and export convolutional image classifiers for ML.NET. " +
                                   "An image folder has one subfolder per label. Exit codes: 0 success, 1 bad input, 2 usage error.");
        var commands = typeof(Cli).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IToolCommand).IsAssignableFrom(t))
            .Select(t => (IToolCommand)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order);
        foreach (var command in commands) root.Add(command.Create());
        return root;
    }
}
