using System.Diagnostics;

namespace MLNet.Cnn.Benchmarks;

internal static class Timing
{
    private const double WarmupSeconds = 1.5;

    /// <summary>
    /// Runs <paramref name="call"/> untimed at least <see cref="BenchmarkOptions.WarmupCalls"/> times and for at
    /// least <see cref="WarmupSeconds"/> (the JIT promotes hot methods to optimized code only after ~30 calls
    /// and a short delay; scratch pools and ORT arenas fill up), then <paramref name="calls"/> times, and returns the median wall time in seconds.
    /// </summary>
    public static double MedianSeconds(Action call, int calls)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < BenchmarkOptions.WarmupCalls || Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < WarmupSeconds; i++)
            call();
        // Start from a quiet heap so a collection of earlier garbage does not land inside a timed call.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var seconds = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        return calls % 2 == 1 ? seconds[calls / 2] : (seconds[calls / 2 - 1] + seconds[calls / 2]) / 2;
    }

    public static double GigaflopsPerSecond(double flops, double seconds) => flops / seconds / 1e9;
}
