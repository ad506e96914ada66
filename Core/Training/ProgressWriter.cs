namespace MLNet.Cnn.Training;

/// <summary>
/// Writes each progress report as one line (<see cref="TrainingProgress.ToString"/>: epoch, batch, loss, accuracy,
/// validation figures, images per second, time left) on the thread that reports it, so the lines come out in the order
/// training made them and all of them are written when <c>Fit</c> returns. <see cref="Progress{T}"/>, by contrast, posts
/// each report to the thread pool (or the captured synchronization context): its lines may come out of order, or after
/// the code that follows <c>Fit</c> has written its own. Use it as <c>Progress = new ProgressWriter(Console.Out)</c>.
/// </summary>
public sealed class ProgressWriter : IProgress<TrainingProgress>
{
    private readonly TextWriter _writer;
    private readonly bool _epochsOnly;

    /// <summary>Writes to <paramref name="writer"/>: every report, or with <paramref name="epochsOnly"/> one line per finished epoch.</summary>
    public ProgressWriter(TextWriter writer, bool epochsOnly = false)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _epochsOnly = epochsOnly;
    }

    /// <summary>Writes the report's line, unless only epoch ends are written and this report is within an epoch.</summary>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_epochsOnly || value.IsEpochEnd) _writer.WriteLine(value.ToString());
    }
}
