using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// The byte-level mutations every format gets, drawn from a seeded <see cref="Random"/> (same random, same mutation):
/// bit flips, an overwrite with a boundary value (0, −1, int.MaxValue, int.MinValue, 2³⁰… in either byte order, which
/// turns a length, a count or a dimension into a huge or negative one), a truncation, a removed or repeated chunk, and an
/// inserted protobuf varint of a huge value (a length prefix or a count the rest of the file cannot hold).
/// </summary>
internal static class FileMutator
{
    /// <summary>The values that break size arithmetic: zero, negative, just past a sign bit, products that overflow.</summary>
    public static readonly long[] BoundaryValues =
        [0, 1, -1, 2, 255, 65535, int.MaxValue, int.MinValue, 1L << 30, (1L << 31) + 1, uint.MaxValue, 1L << 40, long.MaxValue, long.MinValue];

    /// <summary>One to four mutations of <paramref name="file"/> (which is not changed); returns the bytes and what was done.</summary>
    public static (byte[] Bytes, string What) Mutate(byte[] file, Random random)
    {
        var bytes = file;
        var what = new List<string>();
        for (int n = random.Next(1, 5); n > 0; n--)
        {
            (bytes, string step) = Once(bytes, random);
            what.Add(step);
        }
        return (bytes, string.Join("; ", what));
    }

    private static (byte[], string) Once(byte[] bytes, Random random)
    {
        if (bytes.Length == 0) return ([(byte)random.Next(256)], "one random byte");
        int at = random.Next(bytes.Length);
        switch (random.Next(6))
        {
            case 0:
                var flipped = (byte[])bytes.Clone();
                int bit = random.Next(8);
                flipped[at] ^= (byte)(1 << bit);
                return (flipped, $"bit {bit} of byte {at} flipped");
            case 1:
                long value = BoundaryValues[random.Next(BoundaryValues.Length)];
                int width = random.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 };
                bool bigEndian = random.Next(2) == 0;
                var written = (byte[])bytes.Clone();
                Span<byte> word = stackalloc byte[8];
                // The value's low `width` bytes, in the chosen order.
                if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(word, value);
                else BinaryPrimitives.WriteInt64LittleEndian(word, value);
                var source = bigEndian ? word[(8 - width)..] : word[..width];
                source[..Math.Min(width, bytes.Length - at)].CopyTo(written.AsSpan(at));
                return (written, $"{value} as {width} {(bigEndian ? "big" : "little")}-endian bytes at {at}");
            case 2:
                return (bytes[..at], $"truncated to {at} bytes");
            case 3:
                int removed = random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                return ([.. bytes[..at], .. bytes[(at + removed)..]], $"{removed} bytes at {at} removed");
            case 4:
                int repeated = random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                return ([.. bytes[..(at + repeated)], .. bytes[at..]], $"{repeated} bytes at {at} repeated");
            default:
                ulong huge = (ulong)BoundaryValues[random.Next(BoundaryValues.Length)];
                return ([.. bytes[..at], .. Varint(huge), .. bytes[at..]], $"varint {huge} inserted at {at}");
        }
    }

    /// <summary>
    /// The file with its last 32 bytes replaced by the SHA-256 of the bytes before them: the trailer of the model file and of
    /// the checkpoint, so that a mutation reaches the parser behind the checksum.
    /// </summary>
    public static byte[] ResealSha256(byte[] file)
    {
        if (file.Length < 32) return file;
        var resealed = (byte[])file.Clone();
        SHA256.HashData(file.AsSpan(0, file.Length - 32)).CopyTo(resealed, file.Length - 32);
        return resealed;
    }

    /// <summary>Protobuf's base-128 varint: 7 bits a byte, low first, the high bit set on all but the last.</summary>
    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7) bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return [.. bytes];
    }
}
