using System.Globalization;
using System.Text;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// The files of a run on the shared disk: <c>&lt;out&gt;.parts/manifest.txt</c> (the shard size, then the paths, which
/// ties the parts to the manifest), one committed CSV per shard <c>shard-000042.csv</c> (a header, then its rows), and the
/// output. Every write goes to a temporary file first and is published by a rename, so a reader sees a whole file or none.
/// </summary>
internal sealed class ShardFiles(string outputPath)
{
    private const string ManifestFile = "manifest.txt", PartPrefix = "shard-", PartSuffix = ".csv";

    public string OutputPath { get; } = Path.GetFullPath(outputPath);

    public string PartsFolder => OutputPath + ".parts";

    public string PartOf(int shard) => Path.Combine(PartsFolder, $"{PartPrefix}{shard:D6}{PartSuffix}");

    /// <summary>Writes the manifest file, or checks that the one there (an earlier run's) lists the same shards.</summary>
    public void WriteOrCheckManifest(ImageManifest manifest, int shardSize)
    {
        Directory.CreateDirectory(PartsFolder);
        string text = $"# shard size {shardSize}\n" + string.Join("\n", manifest.Paths) + "\n";
        string file = Path.Combine(PartsFolder, ManifestFile);
        if (File.Exists(file))
        {
            if (File.ReadAllText(file) != text)
                throw new InvalidOperationException($"'{PartsFolder}' holds the parts of another manifest or shard size ({file} differs from {manifest.Source} " +
                    $"with {shardSize} images a shard); delete it or choose another output.");
            return;
        }
        Publish(file, text, overwrite: true);
    }

    /// <summary>The manifest's paths, as <see cref="WriteOrCheckManifest"/> wrote them.</summary>
    public string[] ReadManifest() => File.ReadAllLines(Path.Combine(PartsFolder, ManifestFile))[1..];

    /// <summary>The shards with a committed part.</summary>
    public IEnumerable<int> CommittedShards() => Directory.Exists(PartsFolder)
        ? Directory.EnumerateFiles(PartsFolder, PartPrefix + "*" + PartSuffix).Select(Path.GetFileName)
            .Select(name => int.TryParse(name![PartPrefix.Length..^PartSuffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : -1)
            .Where(k => k >= 0)
        : [];

    /// <summary>
    /// Commits a shard's CSV; false when it was already committed (by a worker whose lease had expired but which still
    /// finished): the first commit stays, and it holds the same rows, since scoring is deterministic.
    /// </summary>
    public bool Commit(int shard, string csv) => Publish(PartOf(shard), csv, overwrite: false);

    /// <summary>Concatenates the parts in shard order into the output: one header (every part's must be the same), then the rows.</summary>
    public void WriteOutput(int shardCount)
    {
        string temporary = TemporaryNameOf(OutputPath);
        string? header = null;
        using (var output = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            for (int k = 0; k < shardCount; k++)
            {
                using var part = new StreamReader(PartOf(k));
                string partHeader = part.ReadLine() ?? "";
                header ??= partHeader;
                if (partHeader != header)
                    throw new InvalidOperationException($"{PartOf(k)} has the columns '{partHeader}', {PartOf(0)} '{header}': the parts come from different models; delete '{PartsFolder}' and score again.");
                if (k == 0) output.Write(header + "\n");
                output.Write(part.ReadToEnd());
            }
        }
        File.Move(temporary, OutputPath, overwrite: true);
    }

    private static bool Publish(string file, string text, bool overwrite)
    {
        string temporary = TemporaryNameOf(file);
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        try
        {
            File.Move(temporary, file, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(file))
        {
            File.Delete(temporary);
            return false;
        }
    }

    // Unique per writer: two workers committing the same shard never share a temporary file.
    private static string TemporaryNameOf(string file) => $"{file}.{Guid.NewGuid():N}.tmp";
}
