using System.Text;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Tests.Onnx;

[TestClass]
public sealed class NpyFileTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ReadsFloat32InCOrder(int version)
    {
        string path = Write(version, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", [1, 2, 3, 4, 5, -6.5f]);
        var (data, shape) = NpyFile.Read(path);
        CollectionAssert.AreEqual(new[] { 2, 3 }, shape);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5, -6.5f }, data);
    }

    [TestMethod]
    [DataRow("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "dtype")]
    [DataRow("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran")]
    public void RefusesOtherDtypesAndFortranOrder(string header, string because)
    {
        string path = Write(1, header, [1, 2]);
        var error = Assert.ThrowsExactly<FormatException>(() => NpyFile.Read(path));
        StringAssert.Contains(error.Message, because);
    }

    private static string Write(int version, string header, float[] values)
    {
        int lengthBytes = version == 1 ? 2 : 4;
        // The header is padded with spaces and a newline so that the data starts on a multiple of 64 bytes.
        int total = 8 + lengthBytes + header.Length + 1;
        string padded = header + new string(' ', (64 - total % 64) % 64) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, .. "NUMPY"u8, (byte)version, 0]);
        if (version == 1) stream.Write(BitConverter.GetBytes((ushort)padded.Length));
        else stream.Write(BitConverter.GetBytes(padded.Length));
        stream.Write(Encoding.ASCII.GetBytes(padded));
        foreach (float v in values) stream.Write(BitConverter.GetBytes(v));
        string path = Path.Combine(Path.GetTempPath(), $"npy-test-{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }
}
