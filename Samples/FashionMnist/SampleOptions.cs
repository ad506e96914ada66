using System.Globalization;

namespace MLNet.Cnn.Samples.FashionMnist;

/// <summary>Command line of the Fashion-MNIST sample.</summary>
internal sealed record SampleOptions(string? DataDirectory, int Epochs, int Seed, string OutputDirectory, int? TrainCount, int? TestCount, double? Minutes,
    double ValidationFraction, bool Augment = false, bool TenCrop = false)
{
    public const string Usage = """
        usage: [--data DIR] [--epochs N] [--seed N] [--out DIR] [--train-count N] [--test-count N] [--minutes M] [--validation F] [--augment] [--ten-crop]
          --data         folder with the four Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)
          --epochs       training epochs (default 10)
          --seed         seed of the initialization and the shuffling (default 1)
          --out          where the model and the PNG plots go (default fashion-mnist-output)
          --train-count  use only the first N training images (default: all 60,000)
          --test-count   use only the first N test images (default: all 10,000)
          --minutes      stop training after M minutes
          --augment      train with horizontal flips and random 28×28 crops of the image padded by 2 (fresh every epoch)
          --ten-crop     score with ten crops of the image padded by 2 (corners, center and their mirrors), averaged
          --validation   share of the training images held out to validate after each epoch (default 1/12 = 5,000 of 60,000)
        """;

    public static SampleOptions Defaults { get; } = new(null, 10, 1, "fashion-mnist-output", null, null, null, 1.0 / 12);

    public static bool TryParse(string[] args, out SampleOptions options, out string? error)
    {
        options = Defaults;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--augment" or "--ten-crop")
            {
                options = name == "--augment" ? options with { Augment = true } : options with { TenCrop = true };
                continue;
            }
            if (i + 1 >= args.Length) { error = $"{name} needs a value"; return false; }
            string value = args[++i];
            bool positive = int.TryParse(value, out int number) && number > 0;
            switch (name)
            {
                case "--data": options = options with { DataDirectory = value }; break;
                case "--epochs" when positive: options = options with { Epochs = number }; break;
                case "--seed" when int.TryParse(value, out int seed): options = options with { Seed = seed }; break;
                case "--out": options = options with { OutputDirectory = value }; break;
                case "--train-count" when positive: options = options with { TrainCount = number }; break;
                case "--test-count" when positive: options = options with { TestCount = number }; break;
                case "--validation" when double.TryParse(value, CultureInfo.InvariantCulture, out double fraction) && fraction is >= 0 and < 1:
                    options = options with { ValidationFraction = fraction }; break;
                case "--minutes" when double.TryParse(value, CultureInfo.InvariantCulture, out double minutes) && minutes > 0:
                    options = options with { Minutes = minutes }; break;
                default: error = $"unknown option or bad value: {name} {value}"; return false;
            }
        }
        return true;
    }
}
