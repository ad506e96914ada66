using System.Diagnostics;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// One file format under fuzzing: valid seed files, how the project reads a file, and the exceptions its reader documents.
/// </summary>
/// <param name="Extension">The file name's extension, with its dot: some readers decide by it (".gz").</param>
/// <param name="Refusals">The documented exception types (exactly these, not subclasses: an <see cref="ArgumentOutOfRangeException"/>
/// from deep inside is a bug even where <see cref="ArgumentException"/> is documented).</param>
internal sealed record FuzzTarget(string Extension, byte[][] Seeds, Action<string> Read, params Type[] Refusals)
{
    /// <summary>Mutations that know the format (header fields, graph edits), drawn instead of byte-level ones in a third of the cases.</summary>
    public Func<byte[], Random, (byte[] Bytes, string What)>? Structural { get; init; }

    /// <summary>
    /// Makes a mutated file's checksum (and the like) right again, for half of the cases: without it nearly every mutation of a
    /// checksummed format stops at the checksum, and the parser behind it would never see a bad count.
    /// </summary>
    public Func<byte[], byte[]>? Seal { get; init; }
}

/// <summary>What a fuzz run did: its cases, how many files were read, how many refused (by exception type), its time.</summary>
internal sealed record FuzzReport(int Cases, int Read, IReadOnlyDictionary<string, int> Refused, TimeSpan Time)
{
    public override string ToString() =>
        $"{Cases} cases in {Time.TotalSeconds:F1} s: {Read} read, refused {string.Join(", ", Refused.Select(r => $"{r.Value} × {r.Key}"))}";
}

/// <summary>
/// Reads many seeded mutations of a format's seed files and fails on anything but a success or a documented refusal that
/// names the file: another exception type, a refusal that does not name the file, a read that does not end (a hang), or one
/// that allocates far beyond the file's size (a declared size trusted before it was checked against the file).
/// </summary>
internal static class FuzzRunner
{
    /// <summary>
    /// Longer than any read of these small files takes, even on a loaded two-core CI machine (they take milliseconds),
    /// and short enough for a hang to fail the test within a minute.
    /// </summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most a read may allocate: reading copies the file a few times (its bytes, a parsed form: protobuf messages, a JSON
    /// tree, then the weights in the network, their gradients, a second copy kept for saving back), so a sound reader stays
    /// within a small multiple of the file; a fixed 16 MiB covers parsers' and layers' fixed costs. A reader that allocates
    /// what a mutated header declares before checking it against the file (gigabytes for a few bytes) is far past it.
    /// </summary>
    private static long AllocationBound(long fileLength) => 64 * fileLength + (16 << 20);

    /// <summary>
    /// Reads <paramref name="cases"/> mutations; case i is drawn from its own <see cref="Random"/>(<paramref name="seed"/>, i),
    /// so a failing case can be replayed alone. Fails with the first failures (case, mutation, what went wrong).
    /// </summary>
    public static FuzzReport Run(FuzzTarget target, int cases, int seed)
    {
        using var folder = new TemporaryFolder();
        var failures = new List<string>();
        var refused = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int read = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var random = new Random(seed * 100_003 + i);
            byte[] original = target.Seeds[random.Next(target.Seeds.Length)];
            var (bytes, what) = target.Structural is { } structural && random.Next(3) == 0
                ? structural(original, random) : FileMutator.Mutate(original, random);
            if (target.Seal is { } seal && random.Next(2) == 0)
            {
                bytes = seal(bytes);
                what += "; sealed";
            }
            string path = Path.Combine(folder.Path, $"case-{i}{target.Extension}");
            File.WriteAllBytes(path, bytes);

            string? failure = ReadOnce(target, path, bytes.Length, out var refusal);
            if (failure is not null) failures.Add($"case {i} ({what}): {failure}");
            else if (refusal is null) read++;
            else refused[refusal.Name] = refused.GetValueOrDefault(refusal.Name) + 1;
            File.Delete(path);
        }
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} of {cases} mutated {target.Extension} files were not read or refused cleanly:\n" + string.Join("\n", failures.Take(10)));
        return new FuzzReport(cases, read, refused, clock.Elapsed);
    }

    /// <summary>Reads one file on a task of its own (so that a hang can be told); null when it was read or refused as documented.</summary>
    private static string? ReadOnce(FuzzTarget target, string path, long length, out Type? refusal)
    {
        refusal = null;
        long allocated = 0;
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { target.Read(path); }
            finally { allocated = GC.GetAllocatedBytesForCurrentThread() - before; }
        }, TaskCreationOptions.LongRunning);
        try
        {
            if (!task.Wait(Hang)) return $"still reading after {Hang.TotalSeconds} s";
        }
        catch (AggregateException wrapped) when (wrapped.InnerExceptions is [var e])
        {
            if (!target.Refusals.Contains(e.GetType()))
                return $"undocumented {e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
            if (!e.Message.Contains(path, StringComparison.Ordinal)) return $"{e.GetType().Name} without the file's name: {e.Message}";
            refusal = e.GetType();
        }
        long bound = AllocationBound(length);
        return allocated > bound ? $"allocated {allocated:N0} bytes reading {length:N0} (bound {bound:N0})" : null;
    }
}
