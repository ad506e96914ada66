using MLNet.Cnn.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MLNet.Cnn.Samples;

/// <summary>
/// Training progress for a person at a terminal: a Spectre.Console bar over the batches of the current epoch —
/// <c>epoch 3/10 ━━━━━━━━━╺━━━━━ 412/860  loss 0.3121  acc 0.8812  5,210 img/s  left 1:23</c> — and above it one kept line
/// per finished epoch (<see cref="TrainingProgress.ToString"/>, with the validation figures when there are). Where nobody
/// watches — output redirected to a file or a pipe, a CI log, a test's StringWriter — it writes the plain, in-order lines of
/// <see cref="ProgressWriter"/> instead. Dispose it as soon as training returns, before writing anything else to the
/// console: that ends the live display (started at the first report).
/// </summary>
internal sealed class TrainingProgressBar : IProgress<TrainingProgress>, IDisposable
{
    private readonly IAnsiConsole? _console;
    private readonly ProgressWriter? _lines;
    private readonly ManualResetEventSlim _trained = new();
    private Task? _display;
    private ProgressTask? _epoch;
    private bool _disposed;

    /// <summary>A bar when <paramref name="output"/> is an interactive ANSI terminal, else plain lines on it (with <paramref name="epochsOnly"/>, one per epoch).</summary>
    public TrainingProgressBar(TextWriter output, bool epochsOnly = false)
        : this(output, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }), epochsOnly)
    {
    }

    /// <summary>A bar on <paramref name="console"/> when it shows one (<see cref="CanShowBar"/>), else plain lines on <paramref name="output"/>.</summary>
    internal TrainingProgressBar(TextWriter output, IAnsiConsole console, bool epochsOnly)
    {
        if (CanShowBar(console)) _console = console;
        else _lines = new ProgressWriter(output, epochsOnly);
    }

    /// <summary>Whether this shows the bar rather than the plain lines.</summary>
    public bool ShowsBar => _console is not null;

    /// <summary>
    /// The trainer's <see cref="TrainerOptions.ProgressInterval"/> for this display: <paramref name="linesInterval"/> for the
    /// plain lines, a tenth of it for the bar, so that it moves smoothly.
    /// </summary>
    public int Interval(int linesInterval) => ShowsBar ? Math.Max(1, linesInterval / 10) : linesInterval;

    /// <summary>A live display needs a terminal that is interactive (nothing redirected, not CI) and takes ANSI codes.</summary>
    internal static bool CanShowBar(IAnsiConsole console) =>
        console.Profile.Out.IsTerminal && console.Profile.Capabilities is { Interactive: true, Ansi: true };

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        if (_lines is not null)
        {
            _lines.Report(value);
            return;
        }
        var epoch = _epoch ?? Start();
        epoch.Description = $"epoch {value.Epoch}/{value.Epochs}";
        epoch.MaxValue = Math.Max(1, value.BatchesPerEpoch);
        epoch.Value = value.Batch;
        epoch.Tag = Status(value);
        if (value.IsEpochEnd) _console!.WriteLine(value.ToString());   // kept above the bar; the next epoch's first report restarts it
    }

    /// <summary>The text beside the bar: batches done, running loss and accuracy (or MAE), images per second, time left.</summary>
    internal static string Status(TrainingProgress p)
    {
        string metric = p.Accuracy is { } accuracy ? $"  acc {accuracy:F4}" : p.MeanAbsoluteError is { } mae ? $"  mae {mae:F4}" : "";
        string left = p.Remaining.TotalHours >= 1 ? p.Remaining.ToString(@"h\:mm\:ss") : p.Remaining.ToString(@"m\:ss");
        return $"{p.Batch}/{p.BatchesPerEpoch}  loss {p.Loss:F4}{metric}  {p.ImagesPerSecond:N0} img/s  left {left}";
    }

    /// <summary>Runs Spectre's live display on a thread of its own until <see cref="Dispose"/>; returns the epoch's bar.</summary>
    private ProgressTask Start()
    {
        var started = new TaskCompletionSource<ProgressTask>();
        var progress = new Progress(_console!).AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new StatusColumn());
        _display = Task.Factory.StartNew(() => progress.Start(context =>
        {
            started.SetResult(context.AddTask("training"));
            _trained.Wait();
        }), TaskCreationOptions.LongRunning);
        Task.WaitAny(started.Task, _display);
        if (_display.IsFaulted) _display.GetAwaiter().GetResult();   // Spectre refused to start: rethrow its exception
        return _epoch = started.Task.Result;
    }

    /// <summary>Ends the live display (it is cleared; the epochs' lines stay).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _trained.Set();
        _display?.GetAwaiter().GetResult();
        _trained.Dispose();
    }

    /// <summary>The bar's status text, kept in the task's tag (plain text: no markup to escape).</summary>
    private sealed class StatusColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Tag as string ?? "");
    }
}
