using System.Globalization;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.ModelCompression;

/// <summary>
/// A trained model four ways — float ONNX, int8 ONNX, pruned (fine-tuned) float ONNX, pruned int8 ONNX — each written to
/// a file and measured in ONNX Runtime on the Fashion-MNIST test set: file size (raw and gzip), accuracy, latency of one
/// image on one thread. Results go to compression.md and compression.csv.
/// </summary>
internal static class CompressionRun
{
    public static IReadOnlyList<OnnxMeasurement> Run(CompressionOptions options, TextWriter output)
    {
        var model = ModelFile.Load(options.ModelPath);
        var train = Load(FashionMnist.LoadTrain(options.DataDirectory), model, null);
        var test = Load(FashionMnist.LoadTest(options.DataDirectory), model, options.TestCount);
        var directory = Directory.CreateDirectory(options.OutputDirectory).FullName;
        output.WriteLine($"{Path.GetFileName(options.ModelPath)}: {model.Network.ParameterCount:N0} parameters; " +
            $"{train.Count:N0} training and {test.Count:N0} test images");
        var calibration = train.EvenlySpacedImages(options.CalibrationImages);

        var variants = new List<(string Name, byte[] Bytes)>
        {
            ("float", OnnxExporter.ToBytes(model)),
            ("int8", Int8Quantizer.Quantize(model, calibration)),
        };
        var pruned = ModelFile.Load(options.ModelPath);
        var report = PruneAndFineTune(pruned, train, options, output);
        output.WriteLine(report);
        variants.Add(($"pruned {options.Sparsity:P0}", OnnxExporter.ToBytes(pruned)));
        variants.Add(($"pruned {options.Sparsity:P0} + int8", Int8Quantizer.Quantize(pruned, calibration)));

        var results = new List<OnnxMeasurement>();
        foreach (var (name, bytes) in variants)
        {
            File.WriteAllBytes(Path.Combine(directory, FileName(name)), bytes);
            var measurement = OnnxMeasurement.Of(name, bytes, test, options.LatencyRuns);
            output.WriteLine(Row(measurement));
            results.Add(measurement);
        }
        Write(results, directory, options, report.Sparsity);
        output.WriteLine($"wrote the four ONNX files, compression.md and compression.csv in {directory}");
        return results;
    }

    /// <summary>
    /// Gradual magnitude pruning (Zhu and Gupta's cubic schedule, ten steps per epoch) over the first two thirds of the
    /// fine-tuning, then training with the final masks; AdamW at a tenth of the original peak rate, cosine-annealed.
    /// </summary>
    private static SparsityReport PruneAndFineTune(CnnModel model, ImageDataset train, CompressionOptions options, TextWriter output)
    {
        int epochs = options.FineTuneEpochs;
        var progress = new TrainingProgressBar(output);
        var trainer = new TrainerOptions
        {
            Epochs = epochs, BatchSize = 64, Seed = options.Seed,
            Optimizer = ps => new AdamW(ps, learningRate: 3e-4f) { WeightDecay = 0.05f },
            Schedule = plan => new CosineAnnealing(3e-4f, plan.TotalSteps),
            Loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f),
            Sparsity = steps =>
            {
                int frequency = Math.Max(1, steps / 10), pruningSteps = Math.Max(1, 2 * epochs * steps / 3);
                return new SparsitySchedule(options.Sparsity, beginStep: 0, frequency, intervals: Math.Max(1, pruningSteps / frequency));
            },
            Progress = progress, ProgressInterval = progress.Interval(300),
        };
        TrainingResult result;
        using (progress) result = Trainer.Fit(model.Network, train, validation: null, trainer);
        output.WriteLine($"fine-tuning: {result.StopReason}, {result.ImagesPerSecond:F0} images/s");
        return SparsityReport.Of(model.Network);
    }

    /// <summary>The images as the network takes them (the model's normalization applied), optionally only the first <paramref name="count"/>.</summary>
    private static ImageDataset Load(ImageDataset data, CnnModel model, int? count)
    {
        var expected = model.InputShape;
        if ((data.Channels, data.Height, data.Width) != (expected[0], expected[1], expected[2]))
            throw new ArgumentException($"The model takes {expected[0]}×{expected[1]}×{expected[2]} images; Fashion-MNIST has " +
                $"{data.Channels}×{data.Height}×{data.Width}.");
        if (count is int n && n < data.Count) data = data.Subset(Enumerable.Range(0, n).ToArray());
        return data.Normalized(model.Normalization);
    }

    private static string FileName(string variant) =>
        $"fashion-mnist.{System.Text.RegularExpressions.Regex.Replace(variant.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-')}.onnx";

    private static string Row(OnnxMeasurement m) => string.Create(CultureInfo.InvariantCulture,
        $"| {m.Name} | {m.Accuracy:P2} | {m.Bytes / 1024.0:F0} KiB | {m.GzipBytes / 1024.0:F0} KiB | {m.MedianMs:F3} ms | {m.P90Ms:F3} ms |");

    private static void Write(IReadOnlyList<OnnxMeasurement> results, string directory, CompressionOptions options, double sparsity)
    {
        var lines = new List<string>
        {
            $"Fashion-MNIST test images: {results.Count} models, ONNX Runtime; latency: one image, one thread, median and 90th percentile " +
                $"of {options.LatencyRuns:N0} runs. Int8: QDQ, per-channel weights, calibrated on {options.CalibrationImages:N0} training images. " +
                string.Create(CultureInfo.InvariantCulture, $"Pruned: {options.Sparsity:P0} of the pruned layers' weights, {sparsity:P1} of all convolution and dense weights (the first and last layer stay dense), zero after {options.FineTuneEpochs} epochs of fine-tuning."),
            "",
            "| model | accuracy | file | gzip | latency (median) | latency (p90) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        };
        lines.AddRange(results.Select(Row));
        File.WriteAllLines(Path.Combine(directory, "compression.md"), lines);
        File.WriteAllLines(Path.Combine(directory, "compression.csv"),
            results.Select(m => string.Create(CultureInfo.InvariantCulture,
                $"{m.Name},{m.Accuracy:F4},{m.Bytes},{m.GzipBytes},{m.MedianMs:F4},{m.P90Ms:F4}"))
            .Prepend("model,accuracy,bytes,gzip_bytes,latency_median_ms,latency_p90_ms"));
    }
}
