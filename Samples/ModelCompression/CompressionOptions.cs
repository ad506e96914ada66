using System.Globalization;

namespace MLNet.Cnn.Samples.ModelCompression;

/// <summary>Command line of the model-compression sample.</summary>
internal sealed record CompressionOptions(string ModelPath, string? DataDirectory, string OutputDirectory, int CalibrationImages,
    double Sparsity, int FineTuneEpochs, int LatencyRuns, int? TestCount, int Seed)
{
    public const string Usage = """
        usage: --model FILE.cnn [--data DIR] [--out DIR] [--calibration N] [--sparsity S] [--fine-tune-epochs E] [--latency-runs R] [--test-count N] [--seed N]
          --model             a trained model file of the core (Samples/FashionMnist writes fashion-mnist-output/fashion-mnist-cnn.cnn)
          --data              folder with the four Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)
          --out               where the ONNX files and compression.md go (default compression-output)
          --calibration       training images that calibrate the int8 ranges (default 1,000)
          --sparsity          share of the convolution and dense weights pruning sets to zero (default 0.8)
          --fine-tune-epochs  epochs of training while pruning gradually to that sparsity (default 3)
          --latency-runs      single-image runs timed per model, one thread (default 2,000)
          --test-count        use only the first N test images (default: all 10,000)
          --seed              seed of the fine-tuning (default 1)
        """;

    public static bool TryParse(string[] args, out CompressionOptions options, out string? error)
    {
        options = new CompressionOptions("", null, "compression-output", 1000, 0.8, 3, 2000, null, 1);
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length) { error = $"{name} needs a value"; return false; }
            string value = args[++i];
            bool positive = int.TryParse(value, out int number) && number > 0;
            switch (name)
            {
                case "--model": options = options with { ModelPath = value }; break;
                case "--data": options = options with { DataDirectory = value }; break;
                case "--out": options = options with { OutputDirectory = value }; break;
                case "--calibration" when positive: options = options with { CalibrationImages = number }; break;
                case "--sparsity" when double.TryParse(value, CultureInfo.InvariantCulture, out double s) && s is >= 0 and < 1:
                    options = options with { Sparsity = s }; break;
                case "--fine-tune-epochs" when positive: options = options with { FineTuneEpochs = number }; break;
                case "--latency-runs" when positive: options = options with { LatencyRuns = number }; break;
                case "--test-count" when positive: options = options with { TestCount = number }; break;
                case "--seed" when int.TryParse(value, out int seed): options = options with { Seed = seed }; break;
                default: error = $"unknown option or bad value: {name} {value}"; return false;
            }
        }
        if (options.ModelPath == "") error = "--model is required";
        return error is null;
    }
}
