using System.Globalization;

namespace MLNet.Cnn.Samples;

/// <summary>
/// The command line of the detection and segmentation samples. Null settings take the sample's recipe defaults
/// (DetectionRecipe, SegmentationRecipe), where the hyper-parameters live.
/// </summary>
internal sealed record SceneSampleOptions(string? DataDirectory, string OutputDirectory, int Seed = 1, double? Minutes = null, int? Scenes = null,
    int? Epochs = null, int? Width = null, int TestScenes = 1000, int Size = 96, int Pretrain = 0)
{
    /// <summary>The canvas side must be a multiple of the backbone's largest stride (DetectionBackbones.Small: 32).</summary>
    public const int SizeMultiple = 32;

    public static string Usage(string defaultOutput) => $"""
        usage: [--data DIR] [--minutes M] [--scenes N] [--epochs N] [--width N] [--pretrain N] [--out DIR] [--seed N] [--test-scenes N] [--size S]
          --data         folder with the four Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)
          --minutes      training time budget in minutes (default: the recipe's, 10)
          --scenes       training scenes per epoch, generated from Fashion-MNIST's training items as they are read (default: the recipe's)
          --epochs       passes over those scenes (default: the recipe's)
          --width        the backbone's first-stage width (default: the recipe's)
          --pretrain     first train the backbone for N epochs as a Fashion-MNIST classifier (28×28 items; default 0: from
                         scratch); the pretraining counts against --minutes
          --out          where the model, its ONNX export and the PNGs go (default {defaultOutput})
          --seed         seed of the scenes, the initialization and the shuffling (default 1; held-out scenes use seed + 1)
          --test-scenes  held-out scenes made from Fashion-MNIST's test items (default 1000)
          --size         canvas side in pixels, a multiple of {SizeMultiple} (default 96; the items' scales 0.8–2× go with size / 96)
        """;

    public static bool TryParse(string[] args, string defaultOutput, out SceneSampleOptions options, out string? error)
    {
        options = new SceneSampleOptions(null, defaultOutput);
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length) { error = $"{name} needs a value"; return false; }
            string value = args[++i];
            bool positive = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number > 0;
            switch (name)
            {
                case "--data": options = options with { DataDirectory = value }; break;
                case "--out": options = options with { OutputDirectory = value }; break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out int seed): options = options with { Seed = seed }; break;
                case "--minutes" when double.TryParse(value, CultureInfo.InvariantCulture, out double minutes) && minutes > 0:
                    options = options with { Minutes = minutes }; break;
                case "--scenes" when positive: options = options with { Scenes = number }; break;
                case "--epochs" when positive: options = options with { Epochs = number }; break;
                case "--width" when positive: options = options with { Width = number }; break;
                case "--pretrain" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int epochs):
                    options = options with { Pretrain = epochs }; break;
                case "--test-scenes" when positive: options = options with { TestScenes = number }; break;
                case "--size" when positive && number % SizeMultiple == 0: options = options with { Size = number }; break;
                case "--size": error = $"--size must be a positive multiple of {SizeMultiple}; {value} was given"; return false;
                default: error = $"unknown option or bad value: {name} {value}"; return false;
            }
        }
        return true;
    }

    /// <summary>Runs a sample's command line: usage on --help (0), a parse error (2), Fashion-MNIST missing (3), else <paramref name="run"/>'s code.</summary>
    public static int RunCommandLine(string[] args, string defaultOutput, Func<SceneSampleOptions, int> run, TextWriter output, TextWriter errors)
    {
        if (args is ["--help" or "-h"])
        {
            output.WriteLine(Usage(defaultOutput));
            return 0;
        }
        if (!TryParse(args, defaultOutput, out var options, out string? error))
        {
            errors.WriteLine($"error: {error}");
            errors.WriteLine(Usage(defaultOutput));
            return 2;
        }
        if (!Data.FashionMnist.IsAvailable(options.DataDirectory))
        {
            errors.WriteLine(Data.FashionMnist.NotFoundMessage(options.DataDirectory));
            return 3;
        }
        return run(options);
    }
}
