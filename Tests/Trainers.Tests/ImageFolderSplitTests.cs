using System.Text;
using Microsoft.ML;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>The train/validation split of LoadFromImageFolder: stratified per label, reproducible from the seed alone.</summary>
[TestClass]
public sealed class ImageFolderSplitTests
{
    private static readonly MLContext Ml = new(seed: 1);

    /// <summary>The validation images as paths relative to the folder, sorted.</summary>
    private static string[] ValidationFiles(ImageFolderData data, string root) =>
        Ml.Data.CreateEnumerable<LabelledImage>(data.Validation!, reuseRowObject: false)
            .Select(r => Path.GetRelativePath(root, r.ImagePath)).Order(StringComparer.Ordinal).ToArray();

    private static ImageFolderData Load(string root, int seed, double fraction = 0.2) =>
        Ml.Data.LoadFromImageFolder(root, new ImageFolderOptions { Seed = seed, ValidationFraction = fraction });

    [TestMethod]
    public void EveryLabelWithTwoImagesIsInBothParts()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 10), ("b", 3), ("c", 2), ("d", 1));
        var data = Load(folder.Root, seed: 3);

        CollectionAssert.AreEqual(new[] { ("a", 8, 2), ("b", 2, 1), ("c", 1, 1), ("d", 1, 0) },
            data.Summary.Labels.Select(l => (l.Label, l.Train, l.Validation)).ToArray(), "rounded, at least one, never all");
        var train = Ml.Data.CreateEnumerable<LabelledImage>(data.Train, reuseRowObject: false).ToList();
        var validation = Ml.Data.CreateEnumerable<LabelledImage>(data.Validation!, reuseRowObject: false).ToList();
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d" }, train.Select(r => r.Label).Distinct().ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, validation.Select(r => r.Label).Distinct().ToArray());
        Assert.AreEqual(16, train.Concat(validation).Select(r => r.ImagePath).Distinct().Count(), "every image in exactly one part");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameSplitWhereverTheFolderIs()
    {
        using var folder = new TemporaryImageFolder();
        using var copy = new TemporaryImageFolder();
        folder.Labels(("a", 12), ("b", 12));
        foreach (string file in Directory.EnumerateFiles(folder.Root, "*", SearchOption.AllDirectories))
            File.Copy(file, copy.Bytes(Path.GetRelativePath(folder.Root, file), []), overwrite: true);

        var first = ValidationFiles(Load(folder.Root, seed: 5), folder.Root);
        CollectionAssert.AreEqual(first, ValidationFiles(Load(folder.Root, seed: 5), folder.Root));
        CollectionAssert.AreEqual(first, ValidationFiles(Load(copy.Root, seed: 5), copy.Root));
    }

    [TestMethod]
    public void ADifferentSeedGivesADifferentSplit()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 12), ("b", 12));
        CollectionAssert.AreNotEqual(ValidationFiles(Load(folder.Root, seed: 1), folder.Root), ValidationFiles(Load(folder.Root, seed: 2), folder.Root));
    }

    [TestMethod]
    public void AFractionOfZeroGivesNoValidationPart()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 3), ("b", 3));
        var data = Load(folder.Root, seed: 1, fraction: 0);
        Assert.IsNull(data.Validation);
        Assert.AreEqual(6, Ml.Data.CreateEnumerable<LabelledImage>(data.Train, reuseRowObject: false).Count());
    }

    /// <summary>
    /// The keys are pinned: were the hash to change (or come to depend on the process, as string.GetHashCode does), every
    /// saved split would silently change. The values were computed apart from this code (FNV-1a and SplitMix64 transcribed
    /// in Python). Separators and Unicode normalization do not change a key.
    /// </summary>
    [TestMethod]
    public void TheSplitKeysArePinnedAndIndependentOfTheOperatingSystem()
    {
        Assert.AreEqual(0x80BF0428040CD75EUL, StratifiedSplit.Key("cat/0001.jpg", 0));
        Assert.AreEqual(0x0C8765EFDC6ACAF0UL, StratifiedSplit.Key("cat/0001.jpg", 1));
        Assert.AreEqual(StratifiedSplit.Key("cat/0001.jpg", 7), StratifiedSplit.Key(@"cat\0001.jpg", 7));
        Assert.AreEqual(StratifiedSplit.Key("café.png".Normalize(NormalizationForm.FormC), 7), StratifiedSplit.Key("café.png".Normalize(NormalizationForm.FormD), 7));
    }
}
