using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples;

/// <summary>
/// Writes the trainer's progress lines (epoch, batch, loss, accuracy, images/s, time left) on the training thread, so
/// they come out in order (<see cref="Progress{T}"/> would post them to the thread pool); <paramref name="epochsOnly"/>
/// keeps one line per epoch, each after <paramref name="indent"/>.
/// </summary>
internal sealed class ProgressLines(TextWriter output, bool epochsOnly = false, string indent = "") : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (!epochsOnly || value.IsEpochEnd) output.WriteLine($"{indent}{value}");
    }
}
