using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// --benchmark R: every image R times with batch 1, as a device scoring one camera frame at a time would. Each image is
/// read into memory once; one untimed pass warms up ONNX Runtime. Per image it times decode + preprocessing + inference
/// and, within that, inference alone (ONNX Runtime's Run and the softmax), and prints their median and 90th percentile
/// with the thread count and the CPU, since a latency means nothing without them.
/// </summary>
internal static class Benchmark
{
    public static void Run(Scorer scorer, IReadOnlyList<ImageSource> images, bool resize, int runs, TextWriter output)
    {
        var encoded = images.Select(i => (i.Name, Bytes: i.ReadBytes())).ToArray();
        var pixels = new float[scorer.ImageLength];
        var total = new List<double>();
        var inference = new List<double>();
        for (int run = -1; run < runs; run++) // run −1: warm-up
            foreach (var (name, bytes) in encoded)
            {
                long start = Stopwatch.GetTimestamp();
                using (var image = ImageLoader.Load(bytes, name, scorer.Model, resize)) PixelTensor.Write(image, scorer.Model, pixels);
                long scored = Stopwatch.GetTimestamp();
                scorer.Score(pixels, 1);
                long end = Stopwatch.GetTimestamp();
                if (run < 0) continue;
                total.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                inference.Add(Stopwatch.GetElapsedTime(scored, end).TotalMilliseconds);
            }
        output.WriteLine($"{images.Count} image(s) × {runs} run(s), batch 1, {scorer.Threads} intra-op thread(s), CPU: {CpuName()}");
        output.WriteLine($"per image, decode + preprocess + inference: median {Percentile(total, 0.5):F3} ms, p90 {Percentile(total, 0.9):F3} ms");
        output.WriteLine($"per image, inference alone:                 median {Percentile(inference, 0.5):F3} ms, p90 {Percentile(inference, 0.9):F3} ms");
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least a fraction <paramref name="p"/> of the values ≤ it.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    /// <summary>/proc/cpuinfo's "model name" (x64), else its "Model" (a Raspberry Pi's kernel names the board there).</summary>
    private static string CpuName()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/cpuinfo");
            foreach (string key in (string[])["model name", "Model"])
                foreach (string line in lines)
                    if (line.Split(':', 2) is [var k, var value] && k.Trim() == key) return value.Trim();
        }
        catch (IOException) { }
        return $"{RuntimeInformation.ProcessArchitecture} (no model name in /proc/cpuinfo)";
    }
}
