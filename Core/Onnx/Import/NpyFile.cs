using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Reads NumPy's .npy files holding float32 arrays in C order (format versions 1, 2 and 3): the reference inputs and
/// outputs that come with test models. Other element types and Fortran order are refused with a clear message; so is any
/// damage (a truncated header or data, a malformed or negative dimension, a shape the data does not fill): a
/// <see cref="FormatException"/> naming the file, thrown before the data is allocated.
/// </summary>
internal static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static (float[] Data, int[] Shape) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new FormatException($"'{path}' is not a float32 C-order .npy file: {e.Message}", e);
        }
    }

    private static (float[] Data, int[] Shape) Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic)) throw new FormatException("it does not start with \\x93NUMPY.");
        // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4 (3 only allows a UTF-8 header).
        int major = bytes[6];
        if (major is < 1 or > 3) throw new FormatException($"format version {major} is unknown.");
        int lengthBytes = major == 1 ? 2 : 4;
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (8 + lengthBytes + headerLength > bytes.Length) throw new FormatException($"the header of {headerLength} bytes is truncated.");
        int dataStart = 8 + lengthBytes + (int)headerLength;
        string header = Encoding.UTF8.GetString(bytes[(8 + lengthBytes)..dataStart]);

        string descr = Field(header, "descr");
        if (descr is not ("'<f4'" or "'float32'"))
            throw new FormatException($"its dtype is {descr}; only little-endian float32 ('<f4') is supported.");
        if (Field(header, "fortran_order") != "False") throw new FormatException("it is in Fortran order; only C order is supported.");
        var shape = ShapePattern().Match(header) is { Success: true } m
            ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Dimension).ToArray()
            : throw new FormatException("its header has no shape.");

        // The product stops growing once it passes what the file holds, so that huge dimensions cannot overflow it.
        long count = shape.Contains(0) ? 0 : 1;
        foreach (int d in shape) count = Math.Min(count * d, bytes.Length + 1L);
        if (bytes.Length - dataStart != count * sizeof(float))
            throw new FormatException($"shape ({string.Join(", ", shape)}) needs {(count > bytes.Length ? "more than that" : count * sizeof(float))} bytes of data; the file holds {bytes.Length - dataStart}.");
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(dataStart + 4 * i)..]);
        return (data, shape);
    }

    private static int Dimension(string text) =>
        int.TryParse(text, out int d) && d >= 0 ? d : throw new FormatException($"its shape has dimension '{text}'; a dimension is an integer from 0 to {int.MaxValue}.");

    /// <summary>The value of one key of the header's Python dict literal, e.g. 'descr': '&lt;f4' → "'&lt;f4'".</summary>
    private static string Field(string header, string key)
    {
        var match = Regex.Match(header, $"'{key}'\\s*:\\s*([^,}}]+)");
        return match.Success ? match.Groups[1].Value.Trim() : throw new FormatException($"its header has no '{key}'.");
    }

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
