using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Samples.ImageFolder;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Samples.Tests;

[TestClass]
public sealed class ImageFolderSampleTests
{
    private const int Side = 16;

    /// <summary>
    /// A generated image folder: "red", "green" and "blue" subfolders of 16×16 PNG files, each a square of that color at a
    /// random place on a noisy gray background; a few files are JPEG and one file per label is not an image (skipped by
    /// extension). Small, so that the sample's ResNetSmall trains on it in seconds.
    /// </summary>
    private static string GenerateFolder(DirectoryInfo root, int perLabel)
    {
        var random = new Random(3);
        (string Name, int Channel)[] labels = [("red", 2), ("green", 1), ("blue", 0)];
        foreach (var (name, channel) in labels)
        {
            var folder = root.CreateSubdirectory(name);
            File.WriteAllText(Path.Combine(folder.FullName, "notes.txt"), "not an image");
            for (int i = 0; i < perLabel; i++)
            {
                var bgra = new byte[Side * Side * 4];
                for (int p = 0; p < Side * Side; p++)
                {
                    byte gray = (byte)random.Next(60, 140);
                    bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = gray;
                    bgra[4 * p + 3] = 255;
                }
                int top = random.Next(Side - 6), left = random.Next(Side - 6);
                for (int y = top; y < top + 6; y++)
                    for (int x = left; x < left + 6; x++)
                    {
                        int p = 4 * (y * Side + x);
                        bgra[p] = bgra[p + 1] = bgra[p + 2] = 30;
                        bgra[p + channel] = 250;
                    }
                using var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
                image.Save(Path.Combine(folder.FullName, $"{name}-{i}.{(i % 5 == 0 ? "jpg" : "png")}"));
            }
        }
        return root.FullName;
    }

    [TestMethod]
    public void TheSampleTrainsOnAnImageFolderSavesAndReloads()
    {
        var root = Directory.CreateTempSubdirectory("cnn-image-folder-");
        try
        {
            string folder = GenerateFolder(root.CreateSubdirectory("images"), perLabel: 40);
            string modelPath = Path.Combine(root.FullName, "model.zip");
            var output = new StringWriter();
            var result = ImageFolderSample.Run(folder, new SampleOptions(folder, Side, 3, 12, 1, modelPath), output);
            Assert.IsTrue(result.MicroAccuracy > 0.8, $"accuracy {result.MicroAccuracy}\n{output}");
            Assert.AreEqual(120, result.TrainImages + result.TestImages, "every image and no text file");
            Assert.IsTrue(File.Exists(modelPath));
            StringAssert.StartsWith(output.ToString(), $"Image folder '{folder}': 120 images of 3 labels, 96 to train and 24 to validate");
            StringAssert.Contains(output.ToString(), "Skipped 3 files: 3 not images by extension");
            StringAssert.Contains(output.ToString(), "predicted");
        }
        finally { root.Delete(recursive: true); }
    }

    [TestMethod]
    public void WithInputBytesTheSavedModelTakesTheFilesBytes()
    {
        var root = Directory.CreateTempSubdirectory("cnn-image-folder-");
        try
        {
            string folder = GenerateFolder(root.CreateSubdirectory("images"), perLabel: 40);
            string modelPath = Path.Combine(root.FullName, "model.zip");
            var output = new StringWriter();
            var result = ImageFolderSample.Run(folder, new SampleOptions(folder, Side, 3, 12, 1, modelPath, ImageBytes: true), output);
            Assert.IsTrue(result.MicroAccuracy > 0.8, $"accuracy {result.MicroAccuracy}\n{output}");
            StringAssert.Contains(output.ToString(), "input: image bytes in 'ImageSource'");

            // what Samples/WebApi sends: the file's bytes as byte[] ImageSource, a text Label left empty, no path
            var ml = new MLContext();
            var model = ml.Model.Load(modelPath, out var inputSchema);
            Assert.AreEqual(NumberDataViewType.Byte, ((VectorDataViewType)inputSchema[ImageFolderSample.BytesColumnName].Type).ItemType);
            var engine = ml.Model.CreatePredictionEngine<BytesOnly, ImageFolderSample.Prediction>(model);
            var files = Directory.GetDirectories(folder).SelectMany(label => Directory.GetFiles(label).Where(f => !f.EndsWith(".txt")).Select(f => (Label: Path.GetFileName(label), File: f))).ToList();
            int right = files.Count(f => engine.Predict(new BytesOnly { ImageSource = File.ReadAllBytes(f.File) }).PredictedLabel == f.Label);
            Assert.IsTrue(right > 0.8 * files.Count, $"{right} of {files.Count} files predicted right from their bytes");
        }
        finally { root.Delete(recursive: true); }
    }

    public sealed class BytesOnly
    {
        public string Label { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }

    [TestMethod]
    public void AFolderWithoutImagesOrWithOneLabelIsRefused()
    {
        var root = Directory.CreateTempSubdirectory("cnn-image-folder-");
        try
        {
            var empty = Assert.ThrowsExactly<ArgumentException>(() => ImageFolderSample.Run(root.FullName, Defaults(root.FullName), TextWriter.Null));
            StringAssert.Contains(empty.Message, "no images");
            GenerateFolder(root, perLabel: 2);
            Directory.Delete(Path.Combine(root.FullName, "red"), recursive: true);
            Directory.Delete(Path.Combine(root.FullName, "green"), recursive: true);
            var single = Assert.ThrowsExactly<ArgumentException>(() => ImageFolderSample.Run(root.FullName, Defaults(root.FullName), TextWriter.Null));
            StringAssert.Contains(single.Message, "single label 'blue'");
        }
        finally { root.Delete(recursive: true); }
    }

    [TestMethod]
    public void TheDemoFolderHoldsColorImagesOfFourShapes()
    {
        var root = Directory.CreateTempSubdirectory("cnn-image-folder-");
        try
        {
            ShapesFolder.Write(root.FullName, perShape: 2);
            var summary = new MLContext().Data.LoadFromImageFolder(root.FullName, new ImageFolderOptions { CheckImagesDecode = true }).Summary;
            CollectionAssert.AreEqual(new[] { "circle", "cross", "square", "triangle" }, summary.Labels.Select(l => l.Label).ToArray());
            Assert.AreEqual(8, summary.Images);
            Assert.AreEqual(0, summary.Skipped.Count, "every file decodes");
            using var image = MLImage.CreateFromFile(Directory.EnumerateFiles(Path.Combine(root.FullName, "circle")).First());
            Assert.AreEqual((ShapesFolder.Side, ShapesFolder.Side), (image.Width, image.Height));
            var bgra = image.Pixels.ToArray();
            Assert.IsTrue(Enumerable.Range(0, bgra.Length / 4).Any(p => bgra[4 * p] != bgra[4 * p + 1] || bgra[4 * p + 1] != bgra[4 * p + 2]), "color, not gray");
        }
        finally { root.Delete(recursive: true); }
    }

    private static SampleOptions Defaults(string folder) => new(folder, Side, 3, 1, 1, Path.Combine(folder, "model.zip"));
}
