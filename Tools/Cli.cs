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
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) error.WriteLine($"{Name}: {problem.Message}");
            string command = string.Join(' ', parse.CommandResult.Command.Name == Name ? [Name] : new[] { Name, parse.CommandResult.Command.Name });
            error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"{Name}: {e.Message}");
            return ExitCodes.Usage;
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

    /// <summary>The root command with every <see cref="IToolCommand"/> of this assembly, in their <see cref="IToolCommand.Order"/>.</summary>
    public static RootCommand CreateRoot()
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
