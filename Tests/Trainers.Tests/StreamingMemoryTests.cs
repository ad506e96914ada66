namespace MLNet.Cnn.Trainers.Tests;

/// <summary>The ML.NET trainers stream rows into a pixel cache on disk: the process holds a few batches, not the dataset.</summary>
[TestClass]
public sealed class StreamingMemoryTests
{
    [TestMethod]
    public void TrainingOnMorePixelsThanTheBoundKeepsThePeakMemoryUnderIt()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The peak resident memory is read from /proc (Linux).");
        var folder = Directory.CreateTempSubdirectory("cnn-streaming-");
        try
        {
            FreshProcess.RunTest(typeof(StreamingMemoryInAFreshProcess), nameof(StreamingMemoryInAFreshProcess.TrainsOnMorePixelsThanItHolds),
                StreamingMemoryInAFreshProcess.FolderVariable, folder.FullName);
            string report = File.ReadAllText(Path.Combine(folder.FullName, StreamingMemoryInAFreshProcess.ReportFile));   // absent unless the child trained
            Console.WriteLine(report);
            StringAssert.Contains(report, "peak resident memory");
        }
        finally { folder.Delete(recursive: true); }
    }
}
