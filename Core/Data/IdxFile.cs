using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.Cnn.Data;

/// <summary>
/// Reader of the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a big-endian header
/// (two zero bytes, the element type 0x08 = unsigned byte, the number of dimensions, then each dimension
/// as a 32-bit integer) followed by the elements in row-major order. A file that is not one (another element type, a
/// dimension that is not positive, a truncated file, damaged compression) is an <see cref="InvalidDataException"/> naming
/// the file; the dimensions are never trusted for more memory than the file turns out to hold.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an unsigned-byte IDX file; returns its dimensions and its bytes.</summary>
    public static (int[] Dimensions, byte[] Data) ReadBytes(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, path, "the 4-byte header");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] is 0 or > 4)
            throw new InvalidDataException(
                $"'{path}' is not an unsigned-byte IDX file: header {Convert.ToHexString(magic)}, expected 0000 08 0N (N dimensions, 1–4).");
        var dimensions = new int[magic[3]];
        Span<byte> word = stackalloc byte[4];
        long length = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            ReadExactly(stream, word, path, $"dimension {i}");
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimensions[i] <= 0) throw new InvalidDataException($"'{path}': dimension {i} is {dimensions[i]}.");
            length *= dimensions[i];
        }
        if (length > Array.MaxLength) throw new InvalidDataException($"'{path}' declares {length} elements, too many.");
        if (stream.CanSeek && length > stream.Length - stream.Position)
            throw new InvalidDataException($"'{path}' is truncated: it declares {length} data bytes and holds {stream.Length - stream.Position}.");
        return (dimensions, ReadData(stream, (int)length, path));
    }

    /// <summary>
    /// The <paramref name="length"/> data bytes. A compressed file's size says nothing about what it holds, so its buffer grows
    /// (doubling) with what is decompressed rather than trusting the header: a damaged header cannot make a few bytes allocate gigabytes.
    /// </summary>
    private static byte[] ReadData(Stream stream, int length, string path)
    {
        const int FirstChunk = 1 << 20;
        var data = new byte[stream.CanSeek ? length : Math.Min(length, FirstChunk)];
        for (int filled = 0; ; )
        {
            ReadExactly(stream, data.AsSpan(filled), path, $"{length} data bytes");
            if (data.Length == length) return data;
            filled = data.Length;
            Array.Resize(ref data, (int)Math.Min(2L * data.Length, length));
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; a file that ends early, or whose compression is damaged, is refused with its name.</summary>
    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw new InvalidDataException($"'{path}' is truncated: it ends before {what}.", e); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a valid gzip file: {e.Message}", e); }
    }
}
