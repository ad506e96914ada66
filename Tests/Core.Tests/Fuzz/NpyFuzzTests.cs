using System.Buffers.Binary;
using System.Text;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// NumPy files (<see cref="NpyFile.Read"/>): the shared models' reference inputs and outputs as seeds, mutated bytes and
/// tampered headers (shapes with huge, negative, overflowing or malformed dimensions; huge header lengths); a refusal is a
/// <see cref="FormatException"/> naming the file.
/// </summary>
[TestClass]
public sealed class NpyFuzzTests
{
    private static readonly string[] Dimensions = ["-1", "0", "2147483647", "2147483648", "99999999999999999999", "-2147483648", "x", "", "1.5", "3 4"];

    [TestMethod]
    public void MutatedNpyFilesAreReadOrRefusedWithTheirName()
    {
        var seeds = new[] { "squeezenet1_1.logits.npy", "mobilenet_v2_x0_5.logits.npy", "squeezenet1_1.input.npy" }
            .Select(f => File.ReadAllBytes(TestModels.PathOf(f))).ToArray();
        var target = new FuzzTarget(".npy", seeds, path => NpyFile.Read(path), typeof(FormatException)) { Structural = TamperHeader };
        Console.WriteLine(FuzzRunner.Run(target, cases: 1500, seed: 1));
    }

    /// <summary>A new shape of one to four dimensions drawn from <see cref="Dimensions"/>, or a huge header length.</summary>
    private static (byte[], string) TamperHeader(byte[] file, Random random)
    {
        if (random.Next(4) == 0)
        {
            var bytes = (byte[])file.Clone();
            long length = FileMutator.BoundaryValues[random.Next(FileMutator.BoundaryValues.Length)];
            bytes[6] = (byte)random.Next(1, 4);   // the version decides the length field's width: 2 bytes (1) or 4 (2, 3)
            if (bytes[6] == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)length);
            else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)length);
            return (bytes, $"version {bytes[6]}, header length {length}");
        }
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        string header = Encoding.ASCII.GetString(file, 10, headerLength);
        string shape = "(" + string.Join(", ", Enumerable.Range(0, random.Next(1, 5)).Select(_ => Dimensions[random.Next(Dimensions.Length)])) + ")";
        string tampered = System.Text.RegularExpressions.Regex.Replace(header, @"\([^)]*\)", shape);
        var text = Encoding.ASCII.GetBytes(tampered);
        var result = new byte[10 + text.Length + file.Length - 10 - headerLength];
        file.AsSpan(0, 8).CopyTo(result);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)text.Length);
        text.CopyTo(result, 10);
        file.AsSpan(10 + headerLength).CopyTo(result.AsSpan(10 + text.Length));
        return (result, $"shape {shape}");
    }
}
