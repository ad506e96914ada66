namespace MLNet.Cnn.Samples.WebApi.Tests;

/// <summary>A bad configuration stops start-up with a message naming the setting, before the server listens.</summary>
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

    [TestMethod]
    public void ANonPositiveSizeLimitIsRefused()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ScoringApp.Build(["--Serving:MaxImageBytes=0"]));
        StringAssert.Contains(e.Message, "Serving:MaxImageBytes is 0");
    }
}
