using System.Diagnostics;

namespace MLNet.Cnn.Benchmarks;

internal static class Timing
{
    public const double WarmupSeconds = 1.5;
    private const int Block = 5;
    private const int QuietMilliseconds = 100;

    /// <summary>
    /// Runs <paramref name="call"/> untimed at least <see cref="BenchmarkOptions.WarmupCalls"/> times and for at
    /// least <see cref="WarmupSeconds"/> (the JIT promotes hot methods to optimized code only after ~30 calls
    /// and a short delay; scratch pools and ORT arenas fill up), then <paramref name="calls"/> times, and returns the median wall time in seconds.
    /// </summary>
    public static double MedianSeconds(Action call, int calls)
    {
        Warm(call);
        // Start from a quiet heap so a collection of earlier garbage does not land inside a timed call.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var seconds = new double[calls];
        for (int i = 0; i < calls; i++) seconds[i] = TimeOne(call);
        return Median(seconds);
    }

    /// <summary>
    /// Like <see cref="MedianSeconds"/> for two calls timed in alternating blocks of <see cref="Block"/> calls
    /// (a×5, b×5, a×5, …), so that both see the same machine: on a shared virtual machine the speed drifts by
    /// tens of percent within seconds. Between blocks the process sleeps <see cref="QuietMilliseconds"/>:
    /// ONNX Runtime's worker threads spin for a while after a run (and .NET's pool threads after ours), which
    /// would otherwise steal the cores from the other side's next calls.
    /// </summary>
    public static (double A, double B) MedianSecondsInterleaved(Action a, Action b, int calls)
    {
        var seconds = MedianSecondsInterleaved(calls, a, b);
        return (seconds[0], seconds[1]);
    }

    /// <summary>The median seconds of each action, all timed in alternating blocks as above (a×5, b×5, c×5, a×5, …).</summary>
    public static double[] MedianSecondsInterleaved(int calls, params Action[] actions) =>
        MedianSecondsInterleaved(calls, actions.Select(Timed).ToArray());

    /// <summary>
    /// One side of an interleaved measurement: runs <paramref name="calls"/> calls and returns the wall seconds of each.
    /// A side in this process is <see cref="Timed"/>(action); a side in a child process (PyTorch, the core's training
    /// worker) runs the calls there and reports the times it measured itself, so no pipe round trip is counted.
    /// </summary>
    public delegate double[] TimedBlock(int calls);

    /// <summary>The side that runs <paramref name="call"/> in this process, timed call by call with a Stopwatch.</summary>
    public static TimedBlock Timed(Action call) => calls =>
    {
        var seconds = new double[calls];
        for (int i = 0; i < calls; i++) seconds[i] = TimeOne(call);
        return seconds;
    };

    /// <summary>The median seconds of each side, warmed up one by one, then timed in alternating blocks as above.</summary>
    public static double[] MedianSecondsInterleaved(int calls, params TimedBlock[] sides)
    {
        foreach (var side in sides) Warm(side);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var seconds = sides.Select(_ => new double[calls]).ToArray();
        for (int start = 0; start < calls; start += Block)
        {
            int end = Math.Min(calls, start + Block);
            for (int k = 0; k < sides.Length; k++)
            {
                sides[k](end - start).CopyTo(seconds[k], start);
                Thread.Sleep(QuietMilliseconds);
            }
        }
        return seconds.Select(Median).ToArray();
    }

    private static void Warm(Action call) => Warm(Timed(call));

    private static void Warm(TimedBlock side)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < BenchmarkOptions.WarmupCalls || Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < WarmupSeconds; i++)
            side(1);
    }

    private static double TimeOne(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The wall time of one long call (a training run), in seconds, started on a freshly collected heap.</summary>
    public static double SecondsOfOne(Action call)
    {
        GC.Collect();
        return TimeOne(call);
    }

    /// <summary>The median of <paramref name="seconds"/> (sorted in place): the middle value, or the mean of the two middle ones.</summary>
    public static double Median(double[] seconds)
    {
        Array.Sort(seconds);
        int n = seconds.Length;
        return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
    }

    public static double GigaflopsPerSecond(double flops, double seconds) => flops / seconds / 1e9;
}
