using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Benchmarks.Networks;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Data;

/// <summary>
/// Whether the data path can keep a training step busy: loader-only throughput beside the training step of ResNet-18 at
/// 3×128×128. The loader is measured twice: from JPEG files (decoded and resized by ML.NET's ImageAnalytics through the
/// trainer's row reader into the pixel cache — what <c>Fit</c> does once), and from the pixel cache (shuffled batches read
/// ahead on a worker thread, then augmented by the trainer's augmenter: random crop with padding, flip, color jitter — what
/// every epoch does). The loader must be at least 3× faster than training so it never limits it.
/// </summary>
internal static class DataLoaderBenchmark
{
    private const int Files = 1500, FileSide = 192, Side = 128, Batch = 64, TimedEpochs = 3;

    private static readonly IAugmentation Augmentation =
        new AugmentationPipeline(new RandomCrop(Side, Side, padding: 8), new HorizontalFlip(), new ColorJitter(brightness: 0.2, contrast: 0.2));

    private static readonly NetworkCase ResNet18 = new("resnet18-128", "ResNet-18", () => ResNet.Build(18, 3, NetworkCase.Classes), [3, Side, Side], 32, "resnet18");

    public sealed class Photo
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public static void Run(BenchmarkOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("cnn-data-benchmark-");
        try
        {
            var photos = WriteJpegs(folder.FullName);
            long bytes = photos.Sum(p => new FileInfo(p.Path).Length);
            Console.WriteLine($"{Files} JPEG files of {FileSide}×{FileSide} ({bytes / Files / 1024.0:F1} KiB each) → 3×{Side}×{Side}, batches of {Batch}");

            var ml = new MLContext(seed: 1);
            CachedImageSource? cached = null;
            double decodeSeconds = Timing.SecondsOfOne(() => cached = ReadIntoCache(ml, photos));
            double fromJpeg = Files / decodeSeconds;
            double fromCache, fromCacheAugmented;
            using (cached)
            {
                fromCache = EpochImagesPerSecond(cached!, null);
                fromCacheAugmented = EpochImagesPerSecond(cached!, Augmentation);
            }
            var step = new TrainingStep(ResNet18);
            double training = ResNet18.Batch / Timing.MedianSeconds(step.Run, Math.Min(options.Calls, 10));

            var results = new Results("path", "images_per_s", "ratio_to_training");
            results.Add("JPEG → pixel cache (decode + resize, once per Fit)", Results.Number(fromJpeg, 0), Results.Number(fromJpeg / training));
            results.Add("pixel cache → batches", Results.Number(fromCache, 0), Results.Number(fromCache / training));
            results.Add("pixel cache → batches + crop + flip + jitter", Results.Number(fromCacheAugmented, 0), Results.Number(fromCacheAugmented / training));
            results.Add($"training step, {ResNet18}", Results.Number(training, 0), Results.Number(1));
            results.Print();
            Console.WriteLine($"wrote {results.WriteCsv(Results.CsvName("data", "loader"))}");
        }
        finally { folder.Delete(recursive: true); }
    }

    private static List<Photo> WriteJpegs(string folder)
    {
        var bgra = new byte[FileSide * FileSide * 4];
        var photos = new List<Photo>();
        for (int i = 0; i < Files; i++)
        {
            SyntheticPhotos.Draw(i, FileSide, bgra);
            string path = Path.Combine(folder, $"{i:D5}.jpg");
            using (var image = MLImage.CreateFromPixels(FileSide, FileSide, MLPixelFormat.Bgra32, bgra)) image.Save(path);
            photos.Add(new Photo { Path = path, Label = $"class{SyntheticPhotos.ClassOf(i)}" });
        }
        return photos;
    }

    /// <summary>What the trainer does with an image column before its first epoch: LoadImages → resize → pixels → the byte cache.</summary>
    private static CachedImageSource ReadIntoCache(MLContext ml, List<Photo> photos)
    {
        var shape = new TensorShape(3, Side, Side);
        var options = new CnnMulticlassOptions { FeatureColumnName = "Image" };
        var data = ml.Data.LoadFromEnumerable(photos);
        var pixels = ml.Transforms.LoadImages("Image", null, nameof(Photo.Path))
            .Append(ImageInput.ToPixels(ml, options, InputKind.Image, shape, scale: 1)).Fit(data).Transform(data);
        var rows = new RowSource(ImageInput.PixelColumnName, "Image", PixelStorage.Bytes, shape, null, default, null);
        var cache = RowReader.Read(pixels, rows, pixels.Schema[nameof(Photo.Label)], _ => _ => { });
        var labels = Enumerable.Range(0, cache.Count).Select(SyntheticPhotos.ClassOf).ToArray();
        return CachedImageSource.Classification(cache, labels, Enumerable.Range(0, SyntheticPhotos.Classes).Select(k => $"class{k}").ToArray(), 1f / 255);
    }

    /// <summary>The median images/s of <see cref="TimedEpochs"/> shuffled epochs read as the training loop reads them (one untimed first).</summary>
    private static double EpochImagesPerSecond(CachedImageSource source, IAugmentation? augmentation)
    {
        var order = Enumerable.Range(0, source.Count).ToArray();
        var images = new Tensor(source.Layout.ImageShape(Batch));
        var targets = new Tensor(source.Layout.TargetShape(Batch));
        var augmenter = augmentation is null ? null : new SampleAugmenter(augmentation, AugmentTargets.None, seed: 1, source.Layout);
        int batches = order.Length / Batch;
        var rates = new List<double>();
        for (int epoch = 0; epoch <= TimedEpochs; epoch++)
        {
            new Random(epoch).Shuffle(order);
            var clock = Stopwatch.StartNew();
            source.Plan(order.AsMemory(0, batches * Batch), Batch);
            for (int b = 0; b < batches; b++)
            {
                source.Gather(order.AsSpan(b * Batch, Batch), images, targets);
                augmenter?.Apply(images, targets, new ArraySegment<int>(order, b * Batch, Batch), epoch);
            }
            if (epoch > 0) rates.Add(batches * Batch / clock.Elapsed.TotalSeconds);
        }
        return Timing.Median([.. rates]);
    }
}
