namespace MLNet.Cnn.Samples.ImageFolder;

/// <summary>Command line of the image-folder sample.</summary>
internal sealed record SampleOptions(string? Images, int Size, int Channels, int Epochs, int Seed, string ModelPath, bool ImageBytes = false)
{
    public const string Usage = """
        usage: [--images DIR] [--size N] [--channels 1|3] [--epochs N] [--seed N] [--out model.zip] [--input path|bytes]
          --images    a folder with one subfolder per label (default: writes a synthetic folder of 300 color images
                      per shape — circle, square, triangle, cross — to ./shapes-folder and uses that)
          --size      images are resized to N×N (default 64)
          --channels  1 (grayscale) or 3 (RGB, default)
          --epochs    training epochs (default 20)
          --out       where the trained ML.NET model is saved (default image-folder-model.zip)
          --input     what the saved model takes: path (the image file's path, LoadImages; default) or bytes (the file's
                      bytes as Model Builder's byte[] ImageSource: the model Samples/WebApi serves)
        """;

    public static bool TryParse(string[] args, out SampleOptions options, out string? error)
    {
        options = new SampleOptions(null, 64, 3, 20, 1, "image-folder-model.zip");
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length) { error = $"{name} needs a value"; return false; }
            string value = args[++i];
            switch (name)
            {
                case "--images": options = options with { Images = value }; break;
                case "--size" when int.TryParse(value, out int size) && size >= 8: options = options with { Size = size }; break;
                case "--channels" when value is "1" or "3": options = options with { Channels = int.Parse(value) }; break;
                case "--epochs" when int.TryParse(value, out int epochs) && epochs > 0: options = options with { Epochs = epochs }; break;
                case "--seed" when int.TryParse(value, out int seed): options = options with { Seed = seed }; break;
                case "--out": options = options with { ModelPath = value }; break;
                case "--input" when value is "path" or "bytes": options = options with { ImageBytes = value == "bytes" }; break;
                default: error = $"unknown option or bad value: {name} {value}"; return false;
            }
        }
        return true;
    }
}
