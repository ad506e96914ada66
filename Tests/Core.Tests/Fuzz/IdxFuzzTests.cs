using System.Buffers.Binary;
using System.IO.Compression;
using MLNet.Cnn.Data;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// IDX files (<see cref="IdxFile.ReadBytes"/>), plain and gzip-compressed: small image and label files as seeds, mutated
/// bytes and tampered headers (element type, number of dimensions, dimensions huge, zero or negative); a refusal is an
/// <see cref="InvalidDataException"/> naming the file. A gzip file is mutated as it lies on the disk, so most mutations
/// are damaged compression, and header tampering happens before compression.
/// </summary>
[TestClass]
public sealed class IdxFuzzTests
{
    private static readonly byte[][] Seeds = [Idx([5, 4, 3]), Idx([7])];

    [TestMethod]
    public void MutatedIdxFilesAreReadOrRefusedWithTheirName()
    {
        var target = new FuzzTarget(".idx", Seeds, path => IdxFile.ReadBytes(path), typeof(InvalidDataException)) { Structural = TamperHeader };
        Console.WriteLine(FuzzRunner.Run(target, cases: 1500, seed: 2));
    }

    [TestMethod]
    public void MutatedGzipIdxFilesAreReadOrRefusedWithTheirName()
    {
        var target = new FuzzTarget(".gz", [.. Seeds.Select(Gzip)], path => IdxFile.ReadBytes(path), typeof(InvalidDataException))
        {
            Structural = (file, random) =>
            {
                var (bytes, what) = TamperHeader(Gunzip(file), random);
                return (Gzip(bytes), what);
            },
        };
        Console.WriteLine(FuzzRunner.Run(target, cases: 1000, seed: 3));
    }

    /// <summary>An unsigned-byte IDX file of these dimensions, its bytes counting up.</summary>
    private static byte[] Idx(int[] dimensions)
    {
        int length = dimensions.Aggregate(1, (a, d) => a * d);
        var bytes = new byte[4 + 4 * dimensions.Length + length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        for (int i = 0; i < length; i++) bytes[4 + 4 * dimensions.Length + i] = (byte)i;
        return bytes;
    }

    /// <summary>A dimension set to a boundary value, or the type byte or the number of dimensions changed.</summary>
    private static (byte[], string) TamperHeader(byte[] file, Random random)
    {
        var bytes = (byte[])file.Clone();
        switch (random.Next(3))
        {
            case 0:
                bytes[2] = (byte)random.Next(256);
                return (bytes, $"element type {bytes[2]}");
            case 1:
                bytes[3] = (byte)random.Next(6);
                return (bytes, $"{bytes[3]} dimensions");
            default:
                int dimension = random.Next(file[3]);
                long value = FileMutator.BoundaryValues[random.Next(FileMutator.BoundaryValues.Length)];
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * dimension), (int)value);
                return (bytes, $"dimension {dimension} = {(int)value}");
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal)) gzip.Write(bytes);
        return compressed.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var plain = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)) gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
