using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>
/// The child process in which <c>networks</c> trains one network with the core (<c>networks-worker NAME --threads N</c>,
/// not a user command): its peak working set is then that network's training alone, as PyTorch's peak RSS is that of a
/// process per network. It speaks <see cref="ChildPeer"/>'s protocol: "train n" (n steps), "report", "quit".
/// </summary>
internal static class TrainingWorker
{
    public const string Command = "networks-worker";

    /// <summary>Starts this program again as the worker for <paramref name="network"/>.</summary>
    public static ChildPeer Start(NetworkCase network, int threads)
    {
        // Under `dotnet run` this process is the apphost; run as `dotnet MLNet.Cnn.Benchmarks.dll` it is the dotnet host,
        // which needs the assembly's path first.
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") arguments.Add(typeof(TrainingWorker).Assembly.Location);
        arguments.AddRange([Command, network.Name, "--threads", threads.ToString()]);
        return new ChildPeer("core worker", host, arguments);
    }

    /// <summary>The worker's main: <paramref name="args"/> = NAME --threads N.</summary>
    public static int Serve(string[] args)
    {
        if (!BenchmarkOptions.TryParse(args, out var options, out string? error) || options.Filter is null)
        {
            Reply(new { error = error ?? "the worker needs a network name" });
            return 2;
        }
        CnnParallel.MaxDegreeOfParallelism = options.Threads;
        double baseline = PeakMebibytes();
        var step = new TrainingStep(NetworkCase.Named(options.Filter));
        Reply(new { @event = "ready", parameters = step.Parameters });
        var train = Timing.Timed(step.Run);
        while (Console.ReadLine() is { } line)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["train", var n] when int.TryParse(n, out int calls): Reply(new { seconds = train(calls) }); break;
                case ["report"]: Reply(new { peak_mib = PeakMebibytes(), baseline_mib = baseline, loss = step.LastLoss }); break;
                case ["quit"]: return 0;
                default: Reply(new { error = $"unknown command '{line}'" }); break;
            }
        }
        return 0;
    }

    // A diverged loss is written as the string "NaN" rather than failing the reply.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static void Reply(object answer) => Console.WriteLine(JsonSerializer.Serialize(answer, Json));

    /// <summary>
    /// The process's peak resident memory in MiB (Linux: VmHWM of /proc/self/status, the figure getrusage's ru_maxrss gives
    /// PyTorch's side): everything this process ever had in RAM at once — the .NET runtime and JIT-compiled code, the
    /// network's weights, gradients and momentum, the activations kept for the backward pass, the kernels' scratch pools,
    /// and garbage the GC had not yet collected (what a user's process pays, too). The figure at start-up, before the
    /// network is built, is reported beside it as the runtime's own share.
    /// </summary>
    private static double PeakMebibytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
