extern alias FashionMnistSample;

using System.Globalization;
using System.Text;
using MLNet.Cnn.Training;
using Spectre.Console;

namespace MLNet.Cnn.Samples.Tests;

// Inside the namespace, so that it wins over the copies the other samples' assemblies hold in MLNet.Cnn.Samples.
using TrainingProgressBar = FashionMnistSample::MLNet.Cnn.Samples.TrainingProgressBar;

/// <summary>Samples/Shared/TrainingProgressBar.cs: the bar's text, when it shows, and the plain lines where it does not.</summary>
[TestClass]
public sealed class TrainingProgressBarTests
{
    [TestMethod]
    public void TheStatusBesideTheBarShowsBatchesLossMetricSpeedAndTimeLeft() => InvariantCulture(() =>
    {
        Assert.AreEqual("412/860  loss 0.3121  acc 0.8812  5,210 img/s  left 1:23",
            TrainingProgressBar.Status(Report(3, 412, accuracy: 0.88123, remaining: TimeSpan.FromSeconds(83))));
        Assert.AreEqual("412/860  loss 0.3121  mae 1.2500  5,210 img/s  left 1:02:03",
            TrainingProgressBar.Status(Report(3, 412, meanAbsoluteError: 1.25, remaining: new TimeSpan(1, 2, 3))));
        Assert.AreEqual("412/860  loss 0.3121  5,210 img/s  left 0:00", TrainingProgressBar.Status(Report(3, 412)), "detection: the loss alone");
    });

    [TestMethod]
    public void ARedirectedWriterGetsThePlainLinesInOrder()
    {
        var reports = Run(2, 4).ToArray();
        var text = new StringWriter();
        using (var progress = new TrainingProgressBar(text))
        {
            Assert.IsFalse(progress.ShowsBar, "a StringWriter is no terminal");
            Assert.AreEqual(200, progress.Interval(200), "the lines keep their interval");
            foreach (var report in reports) progress.Report(report);
        }
        CollectionAssert.AreEqual(reports.Select(r => r.ToString()).ToArray(), Lines(text));

        var epochs = new StringWriter();
        using (var progress = new TrainingProgressBar(epochs, epochsOnly: true))
            foreach (var report in reports) progress.Report(report);
        CollectionAssert.AreEqual(reports.Where(r => r.IsEpochEnd).Select(r => r.ToString()).ToArray(), Lines(epochs));
    }

    [TestMethod]
    public void OnlyAnInteractiveAnsiTerminalShowsTheBar()
    {
        Assert.IsTrue(TrainingProgressBar.CanShowBar(Console(new StringWriter())));
        Assert.IsFalse(TrainingProgressBar.CanShowBar(Console(new StringWriter(), terminal: false)), "redirected to a file or a pipe");
        Assert.IsFalse(TrainingProgressBar.CanShowBar(Console(new StringWriter(), interactive: false)), "CI");
        Assert.IsFalse(TrainingProgressBar.CanShowBar(Console(new StringWriter(), ansi: false)), "no ANSI codes");
        // The test host redirects the process's output: the samples' Console.Out falls back to the lines here too.
        Assert.IsFalse(new TrainingProgressBar(System.Console.Out).ShowsBar);
    }

    [TestMethod]
    public void OnATerminalTheBarShowsTheEpochAndItsStatusAndKeepsALinePerFinishedEpoch()
    {
        var text = new StringWriter();
        var reports = Run(2, 4).ToArray();
        using (var progress = new TrainingProgressBar(text, Console(text), epochsOnly: false))
        {
            Assert.IsTrue(progress.ShowsBar);
            Assert.AreEqual(20, progress.Interval(200), "the bar moves ten times as often as the lines");
            foreach (var report in reports)
            {
                progress.Report(report);
                if (report.Batch == 2) Thread.Sleep(300);   // the display refreshes every 100 ms
            }
        }
        string written = text.ToString();
        foreach (string shown in new[] { "epoch 1/2", "epoch 2/2", TrainingProgressBar.Status(reports[1]), TrainingProgressBar.Status(reports[6]) })
            StringAssert.Contains(written, shown);
        var kept = reports.Where(r => r.IsEpochEnd).Select(r => written.IndexOf(r.ToString(), StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(kept.All(at => at >= 0), "a line per finished epoch");
        Assert.IsTrue(kept[0] < kept[1], "in order");
        Assert.IsFalse(written.Contains(reports[0].ToString(), StringComparison.Ordinal), "no line for a report within an epoch");
    }

    /// <summary>The reports of <paramref name="epochs"/> epochs of <paramref name="batches"/> batches, validated, a report per batch.</summary>
    private static IEnumerable<TrainingProgress> Run(int epochs, int batches)
    {
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            for (int batch = 1; batch <= batches; batch++)
                yield return Report(epoch, batch, accuracy: 0.5 + 0.01 * batch, batchesPerEpoch: batches, epochs: epochs, loss: 1.0 / (epoch * batches + batch));
            yield return Report(epoch, batches, accuracy: 0.6, batchesPerEpoch: batches, epochs: epochs, loss: 0.9 / epoch) with
            {
                IsEpochEnd = true, ValidationLoss = 0.4, ValidationAccuracy = 0.7 + 0.01 * epoch,
            };
        }
    }

    private static TrainingProgress Report(int epoch, int batch, double? accuracy = null, double? meanAbsoluteError = null,
        TimeSpan remaining = default, int batchesPerEpoch = 860, int epochs = 10, double loss = 0.31214) =>
        new(epoch, epochs, batch, batchesPerEpoch, loss, accuracy, meanAbsoluteError, 1e-3f, 5210.4, TimeSpan.FromSeconds(42), remaining);

    /// <summary>A console over <paramref name="writer"/> with the given capabilities, without the CI detection of the machine it runs on.</summary>
    private static IAnsiConsole Console(TextWriter writer, bool terminal = true, bool interactive = true, bool ansi = true) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new Output(writer, terminal),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });

    private sealed class Output(TextWriter writer, bool terminal) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;
        public bool IsTerminal => terminal;
        public int Width => 160;
        public int Height => 40;
        public void SetEncoding(Encoding encoding) { }
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static void InvariantCulture(Action test)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try { test(); }
        finally { CultureInfo.CurrentCulture = culture; }
    }
}
