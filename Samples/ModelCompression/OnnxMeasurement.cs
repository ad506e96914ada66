using System.Diagnostics;
using System.IO.Compression;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Data;

namespace MLNet.Cnn.Samples.ModelCompression;

/// <summary>One ONNX model as deployed: its file size (raw and gzip), its accuracy and its latency in ONNX Runtime.</summary>
internal sealed record OnnxMeasurement(string Name, long Bytes, long GzipBytes, double Accuracy, double MedianMs, double P90Ms)
{
    private const int EvaluationBatch = 256;

    /// <summary>
    /// Accuracy on <paramref name="test"/> (batches of 256, all cores) and the latency of one image (batch 1, one thread,
    /// <paramref name="latencyRuns"/> images after 50 warm-up runs).
    /// </summary>
    public static OnnxMeasurement Of(string name, byte[] model, ImageDataset test, int latencyRuns)
    {
        var (median, p90) = Latencies(model, test, latencyRuns);
        return new OnnxMeasurement(name, model.Length, GzipSize(model), AccuracyOf(model, test), median, p90);
    }

    public static long GzipSize(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return compressed.Length;
    }

    private static double AccuracyOf(byte[] model, ImageDataset test)
    {
        using var session = new InferenceSession(model);
        int correct = 0;
        for (int start = 0; start < test.Count; start += EvaluationBatch)
        {
            int n = Math.Min(EvaluationBatch, test.Count - start);
            var logits = Run(session, test, start, n);
            int classes = logits.Length / n;
            for (int i = 0; i < n; i++)
            {
                var row = logits.AsSpan(i * classes, classes);
                if (row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)) == test.Labels[start + i]) correct++;
            }
        }
        return (double)correct / test.Count;
    }

    private static (double Median, double P90) Latencies(byte[] model, ImageDataset test, int runs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        for (int i = 0; i < 50; i++) Run(session, test, i % test.Count, 1);
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Run(session, test, i % test.Count, 1);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[runs / 2], times[runs * 9 / 10]);
    }

    /// <summary>The logits [n, K] of images start … start + n − 1.</summary>
    private static float[] Run(InferenceSession session, ImageDataset data, int start, int n)
    {
        var pixels = new float[n * data.ImageSize];
        for (int i = 0; i < n; i++) data.Pixels(start + i).CopyTo(pixels.AsSpan(i * data.ImageSize));
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [n, data.Channels, data.Height, data.Width]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["logits"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
