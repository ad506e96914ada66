using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Trains on more pixels than the process may hold: 24,000 rows of 3×64×64 floats (1.18 GB) drawn on the fly by a lazy
/// IDataView, through the ML.NET trainer with a validation split. Run in a fresh test host (the peak resident memory of
/// this one holds whatever ran before), on Linux, where /proc gives the peak and lets it be reset.
/// </summary>
[TestClass]
public sealed class StreamingMemoryInAFreshProcess
{
    public const string FolderVariable = "MLNET_CNN_STREAMING_FOLDER";
    private const int Rows = 24_000, Side = 64, Size = 3 * Side * Side;
    private static readonly string[] Classes = ["red", "green", "blue"];

    /// <summary>The bound asserted on the peak resident memory: the pixels alone are 1,180 MB as floats.</summary>
    public const long PeakBoundMegabytes = 500;

    /// <summary>What the child measured, written into the folder for the parent (a test host's console is not passed on).</summary>
    public const string ReportFile = "report.txt";

    public sealed class Row
    {
        [VectorType(Size)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    /// <summary>Row i: one channel brighter than the others (its class), a fresh array each time, nothing kept.</summary>
    private static IEnumerable<Row> Draw()
    {
        for (int i = 0; i < Rows; i++)
        {
            int label = i % 3;
            var features = new float[Size];
            uint state = (uint)i * 2654435761u;
            for (int k = 0; k < Size; k++)
            {
                state = state * 1664525u + 1013904223u;
                features[k] = (state >> 24) / 255f * 0.5f + (k / (Side * Side) == label ? 0.4f : 0f);
            }
            yield return new Row { Features = features, Label = Classes[label] };
        }
    }

    [TestMethod]
    public void TrainsOnMorePixelsThanItHolds()
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is not { Length: > 0 } folder) return;
        File.WriteAllText("/proc/self/clear_refs", "5");   // resets VmHWM, the peak resident memory
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Draw());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            Epochs = 1, BatchSize = 64, ValidationFraction = 0.1, CacheDirectory = folder,
            Network = (c, h, w, k) => new Sequential("net",
                new Conv2dLayer("conv", c, 4, 3, stride: 2, padding: 1), new ActivationLayer("relu", new ReLU()),
                new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("fc", 4, k)),
        }));
        var model = pipeline.Fit(data).LastTransformer;
        long peak = PeakResidentMegabytes();
        var training = model.Training;
        Assert.AreEqual(StopReason.Completed, training.StopReason, training.Message);
        Assert.IsTrue(training.Epochs[0].ValidationAccuracy > 0.9, $"validation accuracy {training.Epochs[0].ValidationAccuracy}");
        Assert.IsTrue(peak < PeakBoundMegabytes, $"peak resident memory {peak} MB; the bound is {PeakBoundMegabytes} MB for 1,180 MB of pixels");
        Assert.AreEqual(0, Directory.GetFiles(folder).Length, "the pixel caches are deleted after Fit");
        File.WriteAllText(Path.Combine(folder, ReportFile),
            $"peak resident memory {peak} MB; {training.Epochs[0].ImagesPerSecond:F0} images/s; validation accuracy {training.Epochs[0].ValidationAccuracy:F3}");
    }

    private static long PeakResidentMegabytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
