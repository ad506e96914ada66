using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MLNet.Cnn.Training;

/// <summary>
/// The checkpoint file, one <see cref="Checkpoint"/>:
/// <code>
/// "MLNETCKP"      8 bytes, the magic
/// format version  int32, little-endian (this library writes and reads <see cref="FormatVersion"/>)
/// sections        each a 4-letter tag and its values (<see cref="CheckpointSections"/>)
/// SHA-256         32 bytes, of everything before it
/// </code>
/// <see cref="Write"/> writes the whole file under <c>name.tmp</c>, flushes it to the disk and only then renames it to its
/// name (replacing a file of that name in one step), so that a crash or a kill at any moment leaves either the complete
/// file or none under that name; a leftover <c>.tmp</c> is deleted by the next run (<see cref="CheckpointFolder"/>).
/// <see cref="Read"/> checks magic, checksum and version before it reads a section, so a truncated file or a changed byte
/// is an <see cref="InvalidDataException"/> naming the file and what is wrong; an intact file of a newer format is a
/// <see cref="NotSupportedException"/> (not damage: it is not skipped, and not deleted).
/// </summary>
internal static class CheckpointFile
{
    public const int FormatVersion = 1;
    public const string TemporarySuffix = ".tmp";
    private static readonly byte[] Magic = "MLNETCKP"u8.ToArray();
    private const int HeaderLength = 12, HashLength = 32, BufferSize = 1 << 16;

    public static void Write(string path, Checkpoint checkpoint)
    {
        string temporary = path + TemporarySuffix;
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
            {
                using var hash = SHA256.Create();
                // The crypto stream passes every byte on to the file unchanged and hashes it on the way.
                using (var hashed = new CryptoStream(file, hash, CryptoStreamMode.Write, leaveOpen: true))
                using (var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    CheckpointSections.Write(writer, checkpoint);
                }
                file.Write(hash.Hash!);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static Checkpoint Read(string path)
    {
        InvalidDataException Bad(string what) => new($"Checkpoint '{path}' {what}");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        long contentEnd = file.Length - HashLength;
        Span<byte> header = stackalloc byte[HeaderLength];
        if (contentEnd < HeaderLength) throw Bad($"is truncated: {file.Length} bytes, shorter than any checkpoint.");
        file.ReadExactly(header);
        if (!header[..Magic.Length].SequenceEqual(Magic)) throw Bad("is not a checkpoint: it does not start with \"MLNETCKP\".");
        // The checksum first: it covers the version, so a damaged version is damage, not a newer format.
        if (!HashMatches(file, contentEnd)) throw Bad("is damaged or truncated: its SHA-256 checksum does not match its contents.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[Magic.Length..]);
        if (version > FormatVersion)
            throw new NotSupportedException(
                $"Checkpoint '{path}' was written in format {version} by a newer MLNet.Cnn; this version reads format {FormatVersion}.");
        if (version < 1) throw Bad($"declares format {version}, which does not exist.");

        file.Position = HeaderLength;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        try
        {
            var checkpoint = CheckpointSections.Read(reader, contentEnd);
            if (file.Position != contentEnd) throw Bad($"has {contentEnd - file.Position} bytes after its last section.");
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw Bad($"cannot be read: {e.Message}");
        }
    }

    /// <summary>Whether the SHA-256 of the bytes before <paramref name="contentEnd"/> is the one stored after them.</summary>
    private static bool HashMatches(FileStream file, long contentEnd)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        file.Position = 0;
        for (long left = contentEnd; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) return false;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        var stored = new byte[HashLength];
        file.ReadExactly(stored);
        return hash.GetHashAndReset().AsSpan().SequenceEqual(stored);
    }
}
