using System.Diagnostics;
using Microsoft.ML;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

[TestClass]
public sealed class FitCancellationTests
{
    [TestMethod]
    public void CancellingTheTokenStopsALongFitWithinTwoSecondsAndLeavesNothingBroken()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(600, 1));
        string cacheDirectory = Path.Combine(Path.GetTempPath(), $"cnn-cancel-{Guid.NewGuid():N}");
        using var cancellation = new CancellationTokenSource();
        var started = new ManualResetEventSlim();
        var options = CnnMulticlassTests.SmallCnn() with
        {
            Epochs = 100_000, CacheDirectory = cacheDirectory, CancellationToken = cancellation.Token, ProgressInterval = 1,
            Progress = new CnnMulticlassTests.SynchronousProgress(_ => started.Set()),
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(options));
        try
        {
            var fit = Task.Run(() => pipeline.Fit(data));
            Assert.IsTrue(started.Wait(TimeSpan.FromSeconds(60)), "training started");
            var clock = Stopwatch.StartNew();
            cancellation.Cancel();
            var e = Assert.ThrowsExactly<AggregateException>(() => fit.Wait(TimeSpan.FromSeconds(30)));
            double seconds = clock.Elapsed.TotalSeconds;
            Assert.IsInstanceOfType<OperationCanceledException>(e.InnerException);
            StringAssert.Contains(e.InnerException!.Message, "cancelled");
            Assert.IsTrue(seconds < 2, $"Fit stopped {seconds:F2} s after the cancellation");
            Assert.AreEqual(0, Directory.GetFiles(cacheDirectory).Length, "the pixel cache is deleted");

            // Nothing is left broken: the same context and data fit again, with a token that is not cancelled.
            var again = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Cnn(options with { Epochs = 1, CancellationToken = default, Progress = null }));
            var model = again.Fit(data);
            Assert.AreEqual(StopReason.Completed, CnnPredictionTransformer.Find(model)!.Training.StopReason);
        }
        finally { Directory.Delete(cacheDirectory, recursive: true); }
    }

    [TestMethod]
    public void ATokenCancelledBeforeFitStopsItWhileReadingTheRows()
    {
        var ml = new MLContext(seed: 1);
        var options = CnnMulticlassTests.SmallCnn() with { CancellationToken = new CancellationToken(canceled: true) };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(options));
        Assert.ThrowsExactly<OperationCanceledException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(100, 1))));
    }
}
