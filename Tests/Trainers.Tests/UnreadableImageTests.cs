using Microsoft.ML;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>An image file that does not decode stops Fit naming its file, or is left out with a warning when asked.</summary>
[TestClass]
public sealed class UnreadableImageTests
{
    private static (MLContext Ml, List<string> Log, IDataView Data, string Corrupt, DirectoryInfo Directory) Folder()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-unreadable-");
        var rows = ColorPictures.Write(40, 1, directory.FullName);
        string corrupt = rows[17].Path;
        File.WriteAllBytes(corrupt, File.ReadAllBytes(corrupt)[..30]);   // a truncated PNG
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        return (ml, log, ml.Data.LoadFromEnumerable(rows), corrupt, directory);
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, bool skip) =>
        ml.Transforms.LoadImages("Features", null, nameof(ColorPictures.Row.Path)).Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(InputKindsTests.Options() with { Epochs = 1, SkipUnreadableImages = skip }));

    [TestMethod]
    public void ACorruptImageStopsFitNamingItsRowAndFile()
    {
        var (ml, _, data, corrupt, directory) = Folder();
        try
        {
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => Pipeline(ml, skip: false).Fit(data));
            StringAssert.Contains(e.Message, "Row 17");
            StringAssert.Contains(e.Message, $"Path = '{corrupt}'");
            StringAssert.Contains(e.Message, "'Features' could not be read");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void WithSkipUnreadableImagesTheRowIsLeftOutWithAWarning()
    {
        var (ml, log, data, corrupt, directory) = Folder();
        try
        {
            var model = Pipeline(ml, skip: true).Fit(data);
            Assert.IsTrue(log.Any(m => m.Contains("Row 17") && m.Contains(corrupt) && m.Contains("left out")), string.Join("\n", log));
            Assert.IsTrue(log.Any(m => m.Contains("Read 39 training images")), string.Join("\n", log));
            Assert.IsNotNull(CnnPredictionTransformer.Find(model));
        }
        finally { directory.Delete(recursive: true); }
    }
}
