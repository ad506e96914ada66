using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>mlContext.Data.LoadFromImageFolder: what is counted, what is skipped and why, and the errors.</summary>
[TestClass]
public sealed class ImageFolderLoadingTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static List<LabelledImage> Rows(IDataView? view) =>
        view is null ? [] : Ml.Data.CreateEnumerable<LabelledImage>(view, reuseRowObject: false).ToList();

    private static SkippedFile SkipOf(ImageFolderData data, string path) => data.Summary.Skipped.Single(s => s.Path == path);

    [TestMethod]
    public void ImagesAreCountedPerLabelInOrdinalOrderWithTheirFullPaths()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("dog", 3), ("cat", 5), ("Zebra", 2));
        folder.Image("cat/kittens/small.jpg", TemporaryImageFolder.ColorOf("cat"));
        var data = Ml.Data.LoadFromImageFolder(folder.Root);

        CollectionAssert.AreEqual(new[] { ("Zebra", 2), ("cat", 6), ("dog", 3) }, data.Summary.Labels.Select(l => (l.Label, l.Images)).ToArray(),
            "ordinal order; images in deeper folders belong to their label folder");
        Assert.AreEqual(0, data.Summary.Skipped.Count);
        CollectionAssert.AreEqual(new[] { ImageFolderData.LabelColumnName, ImageFolderData.ImagePathColumnName }, data.Train.Schema.Select(c => c.Name).ToArray());
        Assert.IsTrue(data.Train.Schema.All(c => c.Type is TextDataViewType));
        var rows = Rows(data.Train).Concat(Rows(data.Validation)).ToList();
        Assert.AreEqual(11, rows.Count);
        foreach (var row in rows)
        {
            Assert.IsTrue(Path.IsPathFullyQualified(row.ImagePath) && File.Exists(row.ImagePath), row.ImagePath);
            Assert.AreEqual(row.Label, Path.GetRelativePath(folder.Root, row.ImagePath).Split(Path.DirectorySeparatorChar)[0]);
        }
    }

    [TestMethod]
    public void FilesThatAreNotImagesAreSkippedByExtensionOrByContent()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 2), ("b", 2));
        string notes = folder.Text("a/notes.txt");
        string readme = folder.Text("a/README");
        string fake = folder.Text("a/photo.jpg", "<html>a web page saved as .jpg</html>");
        string empty = folder.Bytes("b/empty.png", []);
        folder.Image("b/UPPER.PNG", (10, 20, 30));
        File.Move(folder.Image("b/png.png", (10, 20, 30)), folder.PathOf("b/png-named.jpg"));
        var data = Ml.Data.LoadFromImageFolder(folder.Root);

        CollectionAssert.AreEqual(new[] { 2, 4 }, data.Summary.Labels.Select(l => l.Images).ToArray(), "any case of the extension; a PNG named .jpg is an image");
        Assert.AreEqual(4, data.Summary.Skipped.Count);
        Assert.AreEqual(SkipReason.NotAnImageExtension, SkipOf(data, notes).Reason);
        StringAssert.Contains(SkipOf(data, notes).Detail, "'.txt'");
        Assert.AreEqual(SkipReason.NotAnImageExtension, SkipOf(data, readme).Reason);
        Assert.AreEqual(SkipReason.NotAnImageContent, SkipOf(data, fake).Reason);
        StringAssert.Contains(SkipOf(data, fake).Detail, "no PNG, JPEG, BMP, GIF or WebP signature");
        Assert.AreEqual(SkipReason.NotAnImageContent, SkipOf(data, empty).Reason);
        Assert.IsFalse(Rows(data.Train).Concat(Rows(data.Validation)).Any(r => data.Summary.Skipped.Any(s => s.Path == r.ImagePath)));
    }

    [TestMethod]
    [DataRow("x.gif", "GIF89a")]
    [DataRow("x.gif", "GIF87a")]
    [DataRow("x.bmp", "BM")]
    [DataRow("x.webp", "RIFF\0\0\0\0WEBP")]
    public void TheSignaturesOfGifBmpAndWebPPass(string name, string head)
    {
        using var folder = new TemporaryImageFolder();
        string path = folder.Bytes(name, [.. head.Select(c => (byte)c), .. new byte[16]]);
        Assert.IsNull(ImageFileCheck.Problem(path, decode: false));
    }

    [TestMethod]
    public void FilesAtTheTopLevelAreSkippedAndCounted()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 2), ("b", 2));
        string stray = folder.Image("stray.png", (1, 2, 3));
        string csv = folder.Text("labels.csv", "file,label");
        var data = Ml.Data.LoadFromImageFolder(folder.Root);

        Assert.AreEqual(2, data.Summary.TopLevelFiles);
        Assert.AreEqual(SkipReason.NotInLabelFolder, SkipOf(data, stray).Reason);
        Assert.AreEqual(SkipReason.NotInLabelFolder, SkipOf(data, csv).Reason);
        Assert.AreEqual(4, data.Summary.Images);
    }

    [TestMethod]
    public void HiddenFilesAndFoldersAreIgnored()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 2), ("b", 2));
        folder.Text("a/.DS_Store");
        folder.Image("a/.thumbnails/a-00.png", (1, 2, 3));
        folder.Image(".cache/c.png", (1, 2, 3));
        folder.Image(".hidden.png", (1, 2, 3));
        var data = Ml.Data.LoadFromImageFolder(folder.Root);

        CollectionAssert.AreEqual(new[] { ("a", 2), ("b", 2) }, data.Summary.Labels.Select(l => (l.Label, l.Images)).ToArray());
        Assert.AreEqual(0, data.Summary.Skipped.Count, "ignored, not reported");
        Assert.AreEqual(0, data.Summary.EmptyLabelFolders.Count);
    }

    [TestMethod]
    public void LabelFoldersWithoutImagesAreReported()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 2), ("b", 2));
        Directory.CreateDirectory(folder.PathOf("empty"));
        folder.Text("only-text/notes.txt");
        var data = Ml.Data.LoadFromImageFolder(folder.Root);

        CollectionAssert.AreEqual(new[] { "empty", "only-text" }, data.Summary.EmptyLabelFolders.ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b" }, data.Summary.Labels.Select(l => l.Label).ToArray());
    }

    [TestMethod]
    public void CheckImagesDecodeSkipsATruncatedJpegWithTheDecodersMessage()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("a", 3), ("b", 3));
        var jpeg = File.ReadAllBytes(folder.Image("b/whole.jpg", (200, 100, 50), side: 16));
        string broken = folder.Bytes("a/broken.jpg", jpeg[..(jpeg.Length / 2)]);
        string decoderMessage = Assert.Throws<Exception>(() => MLImage.CreateFromFile(broken).Dispose()).Message;

        var headerOnly = Ml.Data.LoadFromImageFolder(folder.Root);
        Assert.AreEqual(4, headerOnly.Summary.Labels[0].Images, "its header is a JPEG's: only decoding finds it");
        var data = Ml.Data.LoadFromImageFolder(folder.Root, new ImageFolderOptions { CheckImagesDecode = true });
        CollectionAssert.AreEqual(new[] { 3, 4 }, data.Summary.Labels.Select(l => l.Images).ToArray());
        var skip = data.Summary.Skipped.Single();
        Assert.AreEqual((broken, SkipReason.DoesNotDecode), (skip.Path, skip.Reason));
        StringAssert.Contains(skip.Detail, decoderMessage);
        StringAssert.Contains(data.Summary.ToString(), broken);
    }

    [TestMethod]
    public void TheSummaryPrintsATableOfLabelsAndTheSkippedFiles()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("cat", 5), ("dog", 10));
        Directory.CreateDirectory(folder.PathOf("bird"));
        for (int i = 0; i < 3; i++) folder.Text($"cat/notes{i}.txt");
        string stray = folder.Image("stray.png", (1, 2, 3));
        var summary = Ml.Data.LoadFromImageFolder(folder.Root).Summary;

        var lines = summary.ToString().Split(Environment.NewLine);
        Assert.AreEqual($"Image folder '{folder.Root}': 15 images of 2 labels, 12 to train and 3 to validate", lines[0]);
        CollectionAssert.AreEqual(new[] { "label", "images", "train", "validate" }, lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        CollectionAssert.AreEqual(new[] { "cat", "5", "4", "1" }, lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        CollectionAssert.AreEqual(new[] { "dog", "10", "8", "2" }, lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.AreEqual("Label folders without images: bird", lines[4]);
        Assert.AreEqual("Skipped 4 files: 1 at the top level, 3 not images by extension", lines[5]);
        Assert.AreEqual($"  {stray}: at the top level, not in a label folder", lines[9]);

        var shortList = new StringWriter();
        summary.Print(shortList, listedFiles: 1);
        StringAssert.Contains(shortList.ToString(), "… and 3 more");
    }

    [TestMethod]
    public void AMissingFolderIsNamed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-image-folder-" + Guid.NewGuid());
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => Ml.Data.LoadFromImageFolder(missing));
        StringAssert.Contains(e.Message, $"'{missing}'");
    }

    [TestMethod]
    public void AFolderWithoutImagesInSubfoldersIsRefused()
    {
        using var folder = new TemporaryImageFolder();
        folder.Image("top.png", (1, 2, 3));
        folder.Text("a/notes.txt");
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Data.LoadFromImageFolder(folder.Root));
        StringAssert.Contains(e.Message, "has no images in subfolders (2 files skipped, 1 of them at the top level)");
    }

    [TestMethod]
    public void ASingleLabelIsRefused()
    {
        using var folder = new TemporaryImageFolder();
        folder.Labels(("only", 4));
        Directory.CreateDirectory(folder.PathOf("empty"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Data.LoadFromImageFolder(folder.Root));
        StringAssert.Contains(e.Message, "the single label 'only'; a classifier needs at least two");
    }

    [TestMethod]
    [DataRow(-0.1)]
    [DataRow(1.0)]
    [DataRow(1.5)]
    [DataRow(double.NaN)]
    public void AValidationFractionOutOfRangeIsRefused(double fraction)
    {
        using var folder = new TemporaryImageFolder();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Ml.Data.LoadFromImageFolder(folder.Root, new ImageFolderOptions { ValidationFraction = fraction }));
        StringAssert.Contains(e.Message, "ValidationFraction must be at least 0 and less than 1");
    }
}
