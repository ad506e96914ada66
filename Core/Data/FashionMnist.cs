namespace MLNet.Cnn.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al., 2017): 60,000 training and 10,000 test images, 28×28 grayscale, 10 classes.
/// Read from Debian's package <c>dataset-fashion-mnist</c> or any folder with the four IDX files
/// (optionally .gz). Pixels are scaled to [0, 1] (pixel / 255), as for the project's pretrained models.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's package <c>dataset-fashion-mnist</c> installs the four IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten class names, in label order (0 = "T-shirt/top" … 9 = "Ankle boot").</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when the four files are in <paramref name="directory"/> (default: the Debian package's folder).</summary>
    public static bool IsAvailable(string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        return new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .All(name => Find(dir, name) is not null);
    }

    /// <summary>What to tell a user when <see cref="IsAvailable"/> is false: where it looked and how to get the data.</summary>
    public static string NotFoundMessage(string? directory = null) =>
        $"Fashion-MNIST not found in '{directory ?? DebianDirectory}'. Install it with `sudo apt-get install -y dataset-fashion-mnist`, or pass --data DIR.";

    /// <summary>The 60,000 training images, 1×28×28 in [0, 1], with their labels.</summary>
    /// <param name="directory">The folder with the IDX files; default <see cref="DebianDirectory"/>.</param>
    public static ImageDataset LoadTrain(string? directory = null) => Load(directory, "train");

    /// <summary>The 10,000 test images, 1×28×28 in [0, 1], with their labels.</summary>
    /// <param name="directory">The folder with the IDX files; default <see cref="DebianDirectory"/>.</param>
    public static ImageDataset LoadTest(string? directory = null) => Load(directory, "t10k");

    private static ImageDataset Load(string? directory, string part)
    {
        string dir = directory ?? DebianDirectory;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST folder '{dir}' does not exist. Install it with `apt-get install -y dataset-fashion-mnist` " +
                "or pass the folder holding the four IDX files.");
        string imagesPath = Find(dir, $"{part}-images-idx3-ubyte")
            ?? throw new FileNotFoundException($"'{dir}' has no {part}-images-idx3-ubyte(.gz).");
        string labelsPath = Find(dir, $"{part}-labels-idx1-ubyte")
            ?? throw new FileNotFoundException($"'{dir}' has no {part}-labels-idx1-ubyte(.gz).");
        var (imageDims, imageBytes) = IdxFile.ReadBytes(imagesPath);
        var (labelDims, labelBytes) = IdxFile.ReadBytes(labelsPath);
        if (imageDims.Length != 3 || labelDims.Length != 1 || imageDims[0] != labelDims[0])
            throw new InvalidDataException(
                $"'{imagesPath}' holds [{string.Join(", ", imageDims)}] and '{labelsPath}' [{string.Join(", ", labelDims)}]; " +
                "expected [n, 28, 28] images and [n] labels.");
        var pixels = new float[imageBytes.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = imageBytes[i] / 255f;
        var labels = labelBytes.Select(b => (int)b).ToArray();
        return new ImageDataset(pixels, labels, 1, imageDims[1], imageDims[2], ClassNames);
    }

    private static string? Find(string directory, string name) =>
        new[] { Path.Combine(directory, name), Path.Combine(directory, name + ".gz") }.FirstOrDefault(File.Exists);
}
