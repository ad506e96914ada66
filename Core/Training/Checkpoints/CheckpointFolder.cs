using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.Cnn.Training;

/// <summary>
/// The checkpoints of a run in their folder (<see cref="CheckpointOptions.Directory"/>): each file is named by where it stood,
/// <c>checkpoint-e0003-s000120.ckpt</c> (epochs finished, optimizer steps), and they are ordered by those numbers, not by
/// file times, which a copy or a restore from backup changes. After each write only the newest
/// <see cref="CheckpointOptions.Keep"/> stay. At the start of a run the folder holds nothing newer than the checkpoint the run
/// resumes from: damaged files are deleted once reported, so that the run's new checkpoints are not ranked below them and
/// deleted in their place.
/// </summary>
internal sealed partial class CheckpointFolder
{
    private readonly string _directory;
    private readonly int _keep;
    private readonly Action<string>? _log;

    public CheckpointFolder(CheckpointOptions options)
    {
        _directory = Path.GetFullPath(options.Directory);
        _keep = options.Keep;
        _log = options.Log;
        Directory.CreateDirectory(_directory);
    }

    public static string FileName(CheckpointPosition at) =>
        string.Create(CultureInfo.InvariantCulture, $"checkpoint-e{at.Epoch:D4}-s{at.Step:D6}.ckpt");

    /// <summary>
    /// Clears what a killed write left (<c>.tmp</c> files). With <paramref name="resume"/>, returns the newest checkpoint that can
    /// be read, with its path, after deleting, with a warning each, the newer ones that cannot; null when there is none. Without,
    /// deletes every checkpoint of the folder and returns null.
    /// </summary>
    public (string Path, Checkpoint Checkpoint)? Open(bool resume)
    {
        foreach (string leftover in Directory.GetFiles(_directory, "checkpoint-*.ckpt" + CheckpointFile.TemporarySuffix)) File.Delete(leftover);
        var files = Files();
        if (!resume)
        {
            if (files.Count > 0) _log?.Invoke($"Resume is off: the {files.Count} checkpoint(s) in '{_directory}' are deleted; training starts from scratch.");
            files.ForEach(File.Delete);
            return null;
        }
        for (int i = files.Count - 1; i >= 0; i--)
        {
            try { return (files[i], CheckpointFile.Read(files[i])); }
            catch (InvalidDataException e)
            {
                _log?.Invoke($"{e.Message} It is deleted; {(i > 0 ? $"'{Path.GetFileName(files[i - 1])}', the checkpoint before it, is tried" : "no checkpoint is left, training starts from scratch")}.");
                File.Delete(files[i]);
            }
        }
        return null;
    }

    /// <summary>Writes the checkpoint and deletes all but the newest <see cref="CheckpointOptions.Keep"/>; a failure is reported, not thrown: training goes on.</summary>
    public void Save(Checkpoint checkpoint)
    {
        string path = Path.Combine(_directory, FileName(checkpoint.Position));
        try
        {
            CheckpointFile.Write(path, checkpoint);
            Files().SkipLast(_keep).ToList().ForEach(File.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log?.Invoke($"Checkpoint '{path}' could not be written or older ones deleted: {e.Message} Training goes on.");
        }
    }

    /// <summary>The checkpoint files, oldest first by (epochs, steps).</summary>
    private List<string> Files() =>
        [.. Directory.EnumerateFiles(_directory, "checkpoint-*.ckpt")
            .Select(path => (Path: path, Match: Name().Match(Path.GetFileName(path))))
            .Where(f => f.Match.Success)
            .OrderBy(f => long.Parse(f.Match.Groups[1].ValueSpan, CultureInfo.InvariantCulture))
            .ThenBy(f => long.Parse(f.Match.Groups[2].ValueSpan, CultureInfo.InvariantCulture))
            .Select(f => f.Path)];

    [GeneratedRegex(@"^checkpoint-e(\d+)-s(\d+)\.ckpt$")]
    private static partial Regex Name();
}
