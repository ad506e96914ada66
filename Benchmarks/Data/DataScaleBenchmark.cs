using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Data;

/// <summary>
/// A folder of 100,000 color photos (JPEG, 3×128×128, ten labels) trained for one epoch of SmallVgg the way a user does it —
/// <c>LoadFromImageFolder</c> → MapValueToKey → LoadImages → the multiclass CNN trainer — with the peak resident memory of
/// the process over the whole <c>Fit</c> (rows decoded into the pixel cache, then the epoch). Beside it, the same training
/// from an in-memory dataset of the first 10,000 images (floats), as the speed to match: the cache must not slow the
/// training loop down. The files (about 1 GB) and the cache (4.9 GB) go to the temporary folder and are deleted.
/// </summary>
internal static class DataScaleBenchmark
{
    private const int Side = 128, Batch = 64, InMemoryImages = 10_000;
    public const int DefaultImages = 100_000;

    public static void Run(BenchmarkOptions options)
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("MLNET_CNN_DATA_SCALE_IMAGES"), out int n) && n > 0 ? n : DefaultImages;
        var folder = Directory.CreateTempSubdirectory("cnn-data-scale-");
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            WriteFolder(folder.FullName, count);
            Console.WriteLine($"wrote {count:N0} JPEG files of {Side}×{Side} in {clock.Elapsed.TotalSeconds:F0} s");

            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) => { if (e.Source.StartsWith("CnnMulticlass", StringComparison.Ordinal) && e.Kind != Microsoft.ML.Runtime.ChannelMessageKind.Trace) Console.WriteLine($"  {e.Message}"); };
            var data = ml.Data.LoadFromImageFolder(Path.Combine(folder.FullName, "images"), new ImageFolderOptions { ValidationFraction = 0 });
            Console.WriteLine(data.Summary);
            var pipeline = ml.Transforms.Conversion.MapValueToKey(ImageFolderData.LabelColumnName)
                .Append(ml.Transforms.LoadImages("Image", null, ImageFolderData.ImagePathColumnName))
                .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
                {
                    FeatureColumnName = "Image", Height = Side, Width = Side, Epochs = 1, BatchSize = Batch, Seed = 1,
                    CacheDirectory = Path.Combine(folder.FullName, "cache"),
                    Network = (c, h, w, k) => SmallVgg.Build(c, h, w, k),
                }));
            PeakMemory.Reset();
            clock.Restart();
            var model = pipeline.Fit(data.Train);
            double fitSeconds = clock.Elapsed.TotalSeconds, peak = PeakMemory.Mebibytes();
            var streamed = CnnPredictionTransformer.Find(model)!.Training;
            double streamedRate = streamed.Epochs[0].ImagesPerSecond;

            // In memory second: its 2 GB of floats, once garbage, stay in the process's resident memory (the GC keeps freed
            // regions), so measured first they would count in the streamed run's peak (5.1 GB measured that way, 1.2 GB alone).
            var inMemory = InMemory(ml, data.Train, Math.Min(InMemoryImages, count));
            var network = SmallVgg.Build(3, Side, Side, SyntheticPhotos.Classes);
            Initializer.Initialize(network, 1);
            var memoryResult = Trainer.Fit(network, inMemory, null, new TrainerOptions { Epochs = 1, BatchSize = Batch, Seed = 1 });
            double memoryRate = memoryResult.Epochs[0].ImagesPerSecond;

            var results = new Results("run", "images", "images_per_s", "ratio_to_in_memory", "fit_s", "peak_rss_mib");
            results.Add("image folder → pixel cache → SmallVgg (ML.NET trainer)", $"{count}", Results.Number(streamedRate, 0),
                Results.Number(streamedRate / memoryRate, 3), Results.Number(fitSeconds, 0), Results.Number(peak, 0));
            results.Add("in-memory floats → SmallVgg (core trainer)", $"{Math.Min(InMemoryImages, count)}", Results.Number(memoryRate, 0), Results.Number(1, 3), "", "");
            results.Print();
            Console.WriteLine("images_per_s: the training loop's rate over the epoch (EpochResult.ImagesPerSecond); fit_s: the whole Fit, decoding the files into the cache included;");
            Console.WriteLine("peak_rss_mib: the process's peak resident memory (VmHWM) from just before Fit to its end.");
            Console.WriteLine($"wrote {results.WriteCsv(Results.CsvName("data", "scale"))}");
        }
        finally { folder.Delete(recursive: true); }
    }

    /// <summary>Writes the photos as JPEG files, one folder per label, on all cores (setup, not timed).</summary>
    private static void WriteFolder(string folder, int count)
    {
        for (int k = 0; k < SyntheticPhotos.Classes; k++) Directory.CreateDirectory(Path.Combine(folder, "images", $"class{k}"));
        Parallel.For(0, count, () => new byte[Side * Side * 4], (i, _, bgra) =>
        {
            SyntheticPhotos.Draw(i, Side, bgra);
            using var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(folder, "images", $"class{SyntheticPhotos.ClassOf(i)}", $"{i:D6}.jpg"));
            return bgra;
        }, _ => { });
    }

    /// <summary>The first <paramref name="count"/> rows decoded as the trainer decodes them, as floats in [0, 1] in memory.</summary>
    private static ImageDataset InMemory(MLContext ml, IDataView rows, int count)
    {
        var first = ml.Data.TakeRows(rows, count);
        var pixels = ml.Transforms.Conversion.MapValueToKey(ImageFolderData.LabelColumnName)
            .Append(ml.Transforms.LoadImages("Image", null, ImageFolderData.ImagePathColumnName))
            .Append(ml.Transforms.ResizeImages("Image", Side, Side))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", interleavePixelColors: false, scaleImage: 1f / 255))
            .Fit(first).Transform(first);
        var values = new float[(long)count * 3 * Side * Side];
        int i = 0;
        foreach (var image in pixels.GetColumn<VBuffer<float>>("Pixels")) image.DenseValues().ToArray().CopyTo(values, (long)i++ * 3 * Side * Side);
        var labels = pixels.GetColumn<uint>(ImageFolderData.LabelColumnName).Select(key => (int)key - 1).ToArray();
        return new ImageDataset(values, labels, 3, Side, Side, Enumerable.Range(0, SyntheticPhotos.Classes).Select(k => $"class{k}").ToArray());
    }
}
