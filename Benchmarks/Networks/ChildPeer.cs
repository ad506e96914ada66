using System.Diagnostics;
using System.Text.Json;

namespace MLNet.Cnn.Benchmarks.Networks;

/// <summary>
/// A child process that runs one side of a measurement: the core's training (<see cref="TrainingWorker"/>) or PyTorch
/// (<c>torch_networks.py</c>). Both speak the same line protocol: after start-up the child prints one JSON line
/// (<see cref="Ready"/>); then each command written to its stdin ("train 5", "infer 5", "report") gets one JSON line back,
/// with an "error" field when the command failed. A timed command runs its calls in the child, which times each one
/// itself: <see cref="Side"/> is a <see cref="Timing.TimedBlock"/> the interleaved timing can alternate with other sides.
/// The child's stderr is not redirected: its messages appear on the console as they come.
/// </summary>
internal sealed class ChildPeer : IDisposable
{
    private readonly Process _process;
    private readonly string _what;

    public ChildPeer(string what, string fileName, IEnumerable<string> arguments)
    {
        _what = what;
        var start = new ProcessStartInfo(fileName) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{what}: {fileName} did not start");
        Ready = Read();
    }

    /// <summary>The first line the child printed, once it had built its network.</summary>
    public JsonElement Ready { get; }

    public JsonElement Ask(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        return Read();
    }

    /// <summary>"<paramref name="command"/> n": n calls in the child, and the seconds of each as the child measured them.</summary>
    public Timing.TimedBlock Side(string command) => calls =>
    {
        double[] seconds = [.. Ask($"{command} {calls}").GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble())];
        return seconds.Length == calls ? seconds
            : throw new InvalidOperationException($"{_what} answered '{command} {calls}' with {seconds.Length} times");
    };

    /// <summary>The next JSON line; other lines (a library's notice on stdout) are echoed and skipped.</summary>
    private JsonElement Read()
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith('{'))
            {
                Console.WriteLine($"  [{_what}] {line}");
                continue;
            }
            var answer = JsonDocument.Parse(line).RootElement.Clone();
            if (answer.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{_what}: {error}");
            return answer;
        }
        _process.WaitForExit();
        throw new InvalidOperationException($"{_what} exited with code {_process.ExitCode} without answering (its messages are above)");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Close();
            }
        }
        catch (IOException)
        {
            // the child has already gone
        }
        if (!_process.WaitForExit(10_000)) _process.Kill();
        _process.Dispose();
    }
}
