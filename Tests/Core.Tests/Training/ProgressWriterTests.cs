using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class ProgressWriterTests
{
    /// <summary>
    /// A report after every batch (3 epochs of 75 batches, plus the epoch ends): when Fit returns, the writer holds every
    /// report's line, in the order the training thread made them — what Progress&lt;T&gt; does not promise.
    /// </summary>
    [TestMethod]
    public void EveryReportIsWrittenInOrderBeforeFitReturns()
    {
        var reports = new List<TrainingProgress>();
        var lines = new StringWriter();
        var writer = new ProgressWriter(lines);
        Fit(new TrainerTests.SynchronousProgress(report => { reports.Add(report); writer.Report(report); }));

        Assert.AreEqual(3 * (75 + 1), reports.Count, "a report per batch and per epoch end");
        CollectionAssert.AreEqual(reports.Select(r => r.ToString()).ToArray(), Lines(lines));
        var order = reports.Select(r => (r.Epoch, r.Batch, r.IsEpochEnd ? 1 : 0)).ToArray();
        CollectionAssert.AreEqual(order.Order().ToArray(), order, "epochs and batches come in training order");
    }

    [TestMethod]
    public void EpochsOnlyWritesOneLinePerFinishedEpochWithItsValidation()
    {
        var lines = new StringWriter();
        Fit(new ProgressWriter(lines, epochsOnly: true));
        var written = Lines(lines);
        Assert.AreEqual(3, written.Length, string.Join("\n", written));
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            StringAssert.StartsWith(written[epoch - 1], $"epoch {epoch}/3  batch 75/75");
            StringAssert.Contains(written[epoch - 1], "val_acc");
        }
    }

    [TestMethod]
    public void ANullWriterIsRefused() =>
        Assert.ThrowsExactly<ArgumentNullException>(() => new ProgressWriter(null!));

    /// <summary>600 images in batches of 8 (75 batches) for 3 epochs, validated on 150, reporting after every batch.</summary>
    private static void Fit(IProgress<TrainingProgress> progress)
    {
        var network = TrainerTests.SmallCnn();
        Initializer.Initialize(network, seed: 7);
        Trainer.Fit(network, TrainerTests.Stripes(600, 1), TrainerTests.Stripes(150, 2), new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, ProgressInterval = 1, Progress = progress,
        });
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
