using System.Diagnostics.CodeAnalysis;

namespace MLNet.Cnn.Benchmarks;

/// <summary>Command-line options shared by the sub-commands.</summary>
internal sealed record BenchmarkOptions(string? Filter, int Calls, int Threads)
{
    public const int WarmupCalls = 3;

    public bool Selects(string name) => Filter is null || name.Contains(Filter, StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string[] args, [NotNullWhen(true)] out BenchmarkOptions? options, out string? error)
    {
        options = null;
        error = null;
        string? filter = null;
        int calls = 30, threads = 2;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--calls" or "--threads":
                    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out int value) || value <= 0)
                    {
                        error = $"{args[i]} needs a positive integer";
                        return false;
                    }
                    if (args[i] == "--calls") calls = value; else threads = value;
                    i++;
                    break;
                case var text when text.StartsWith("--", StringComparison.Ordinal):
                    error = $"unknown option {text}";
                    return false;
                default:
                    if (filter is not null)
                    {
                        error = $"only one name filter is allowed ('{filter}', '{args[i]}')";
                        return false;
                    }
                    filter = args[i];
                    break;
            }
        }
        options = new BenchmarkOptions(filter, calls, threads);
        return true;
    }
}
