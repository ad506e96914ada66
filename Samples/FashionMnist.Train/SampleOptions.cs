namespace MLNet.Cnn.Samples.FashionMnistTrain;

/// <summary>Command line of the sample.</summary>
internal sealed record SampleOptions(string Model, int? Epochs, double? Minutes, string? DataDirectory, int Seed, string Augment = "off",
    int[]? Widths = null)
{
    public const string Usage = """
        usage: --model lenet5|small-vgg|resnet-small [--epochs N] [--minutes N] [--augment off|flip|flip+crop] [--widths A,B,C] [--data DIR] [--seed N]
          --model    lenet5 (LeNet-5, ReLU + max pooling), small-vgg (two 3×3 conv-BN-ReLU-pool stages, 16 and 32 maps,
                     then a dropout-regularized 128-unit dense layer) or resnet-small (a small ResNet)
          --epochs   number of epochs (default: the model's recipe)
          --minutes  plan the learning-rate schedule over the steps that fit in this many minutes, and stop there
          --augment  flip: random horizontal flips; flip+crop: also 28×28 crops of the image padded by 2 (default off)
          --widths   resnet-small's channels per stage (default 16,32,64)
          --data     folder with the four Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)
          --seed     seed of the initialization and the shuffling (default 1)
        """;

    public static bool TryParse(string[] args, out SampleOptions options, out string? error)
    {
        options = new SampleOptions("lenet5", null, null, null, 1);
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length) { error = $"{name} needs a value"; return false; }
            string value = args[++i];
            switch (name)
            {
                case "--model": options = options with { Model = value }; break;
                case "--epochs" when int.TryParse(value, out int epochs) && epochs > 0: options = options with { Epochs = epochs }; break;
                case "--minutes" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double minutes) && minutes > 0:
                    options = options with { Minutes = minutes }; break;
                case "--augment" when value is "off" or "flip" or "flip+crop": options = options with { Augment = value }; break;
                case "--widths" when TryParseWidths(value, out int[] widths): options = options with { Widths = widths }; break;
                case "--data": options = options with { DataDirectory = value }; break;
                case "--seed" when int.TryParse(value, out int seed): options = options with { Seed = seed }; break;
                default: error = $"unknown option or bad value: {name} {value}"; return false;
            }
        }
        return true;
    }

    private static bool TryParseWidths(string value, out int[] widths)
    {
        var parts = value.Split(',');
        widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out widths[i]) || widths[i] <= 0) return false;
        return true;
    }
}
