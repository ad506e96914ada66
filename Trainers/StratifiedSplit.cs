using System.Text;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The reproducible train/validation split of an image folder, label by label. Each file gets a key: a fixed 64-bit hash
/// of the seed and its path relative to the folder (with '/' separators, Unicode normalized), so the key is the same on
/// every machine, operating system and .NET version, and wherever the folder lies — unlike <see cref="Random"/>'s
/// sequence or <see cref="string.GetHashCode()"/>. A label's files with the smallest keys go to validation, so adding
/// images to a label moves few of the others from one part to the other.
/// </summary>
internal static class StratifiedSplit
{
    /// <summary>How many of a label's <paramref name="count"/> images go to validation: the rounded fraction, but at least one and never all when there are two or more.</summary>
    public static int ValidationCount(int count, double fraction) =>
        fraction == 0 || count < 2 ? 0 : Math.Clamp((int)Math.Round(fraction * count, MidpointRounding.AwayFromZero), 1, count - 1);

    /// <summary>Which of one label's <paramref name="files"/> (full paths under <paramref name="root"/>) go to validation.</summary>
    public static bool[] ValidationMask(string root, IReadOnlyList<string> files, double fraction, int seed)
    {
        var mask = new bool[files.Count];
        var byKey = Enumerable.Range(0, files.Count)
            .OrderBy(i => Key(Path.GetRelativePath(root, files[i]), seed))
            .ThenBy(i => files[i], StringComparer.Ordinal);
        foreach (int i in byKey.Take(ValidationCount(files.Count, fraction))) mask[i] = true;
        return mask;
    }

    /// <summary>FNV-1a over the UTF-8 bytes of the normalized path, then SplitMix64's finalizer over hash + seed·golden ratio, so that nearby seeds give unrelated orders.</summary>
    internal static ulong Key(string relativePath, int seed)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(relativePath.Replace('\\', '/').Normalize(NormalizationForm.FormC)))
            hash = (hash ^ b) * 1099511628211;
        ulong z = hash + (ulong)(uint)seed * 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
