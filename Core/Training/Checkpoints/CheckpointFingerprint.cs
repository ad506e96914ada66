using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Pruning;

namespace MLNet.Cnn.Training;

/// <summary>
/// What a checkpoint fits: the network's tensors (names and shapes) and drawing layers, the optimizer's kind, the seed, the
/// batch size, the data (counts and layout) and the pruned layers, one line each. A checkpoint whose lines differ from the
/// run's is refused rather than skipped: starting from scratch would write this run's checkpoints beside the other run's
/// and, keeping only the newest, delete them, without the user having asked for either.
/// </summary>
internal static class CheckpointFingerprint
{
    public static string[] Of(Layer network, int seed, int batch, IBatchSource train, IBatchSource? validation, Optimizer optimizer,
        MagnitudePruner? pruner) =>
    [
        .. network.AllParameters().Select(p => $"parameter {p.Name} {p.Value.Shape}"),
        .. network.AllBuffers().Select(b => $"buffer {b.Name} {b.Value.Shape}"),
        .. DrawingLayers(network).Select(l => $"drawing layer {l.Path} ({l.Layer.GetType().Name})"),
        $"optimizer {optimizer.GetType().FullName}",
        $"seed {seed}",
        $"batch size {batch}",
        $"training data of {train.Count} samples, {train.Layout}",
        validation is null ? "no validation data" : $"validation data of {validation.Count} samples",
        pruner is null ? "no pruning" : $"pruning of {string.Join(", ", pruner.PrunedLayers)}",
    ];

    /// <summary>The layers whose <see cref="ICountedDraws.Draws"/> a checkpoint saves, the network itself first, with their paths.</summary>
    public static IEnumerable<(string Path, ICountedDraws Layer)> DrawingLayers(Layer network) =>
        LayerPaths.Walk(network).Prepend((Path: network.Name, Layer: network))
            .Where(l => l.Layer is ICountedDraws).Select(l => (l.Path, (ICountedDraws)l.Layer));

    /// <summary>Throws, naming the first line that differs, unless the checkpoint at <paramref name="path"/> was written for this run.</summary>
    public static void Check(IReadOnlyList<string> saved, IReadOnlyList<string> current, string path)
    {
        int i = 0;
        while (i < saved.Count && i < current.Count && saved[i] == current[i]) i++;
        if (i == saved.Count && i == current.Count) return;
        string difference =
            i == saved.Count ? $"a run without {current[i]}, which this run has" :
            i == current.Count ? $"a run with {saved[i]}, which this run lacks" :
            $"a run with {saved[i]}; this run has {current[i]}";
        throw new InvalidOperationException(
            $"Checkpoint '{path}' was written for {difference}. Give this run a folder of its own, or set " +
            $"{nameof(TrainerOptions.Checkpoints)}.{nameof(CheckpointOptions.Resume)} = false to start from scratch (the folder's checkpoints are then deleted).");
    }
}
