using Microsoft.ML;

namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>A bad configuration or a model the service cannot serve stops start-up with a message naming the setting or the model, before the server listens.</summary>
[TestClass]
public sealed class StartupTests
{
    [TestMethod]
    public void AMissingModelFileStopsStartUpNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-model.zip");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ScoringApp.Build([$"--Serving:ModelPath={path}"]));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "Serving:ModelPath");
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void AModelThatDoesNotTakeImageBytesIsRefusedNamingItsInputs()
    {
        // a model of the shape a path-trained one has (an ImagePath column, no ImageSource): nothing to send it over HTTP
        string path = Path.Combine(Path.GetTempPath(), $"cnn-web-api-path-model-{Guid.NewGuid():N}.zip");
        try
        {
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new PathRow { ImagePath = "a.png", Score = [1f] } });
            ml.Model.Save(ml.Transforms.CopyColumns("Copy", nameof(PathRow.ImagePath)).Fit(data), data.Schema, path);
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => ScoringApp.Build([$"--Serving:ModelPath={path}"]));
            StringAssert.Contains(e.Message, "takes no column 'ImageSource'");
            StringAssert.Contains(e.Message, "Its input columns: ImagePath (String)");
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void ANonPositiveSizeLimitIsRefused()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ScoringApp.Build(["--Serving:MaxImageBytes=0"]));
        StringAssert.Contains(e.Message, "Serving:MaxImageBytes is 0");
    }
}
