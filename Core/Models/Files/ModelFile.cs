using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>
/// The model file: versioned and self-describing.
/// <code>
/// "MLNETCNN"            8 bytes, the magic
/// format version       int32, little-endian (this library writes and reads <see cref="FormatVersion"/>)
/// header length        int32
/// header               UTF-8 JSON: input shape, class names, normalization, architecture (<see cref="LayerCatalog"/>),
///                      and the list of tensors (name, shape) — parameters then buffers, in network order
/// tensor data          float32 little-endian, in the order of the list
/// SHA-256              32 bytes, of everything before it
/// </code>
/// Loading checks, in order: magic, version, length, checksum, architecture, tensor names and shapes; any
/// failure is an <see cref="InvalidDataException"/> naming the file and what was wrong, and nothing is
/// returned half-loaded (a new network is built and filled, then returned).
/// </summary>
public static class ModelFile
{
    /// <summary>The format version this library writes; a file of a newer version is refused.</summary>
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "MLNETCNN"u8.ToArray();
    private const int HashLength = 32;

    /// <summary>Writes <paramref name="model"/> to a new file at <paramref name="path"/> (overwriting one that exists).</summary>
    public static void Save(CnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = File.Create(path);
        Save(model, file);
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> at its current position.</summary>
    public static void Save(CnnModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var tensors = Tensors(model.Network);
        var header = new JsonObject
        {
            ["format"] = FormatVersion,
            ["library"] = $"MLNet.Cnn {typeof(ModelFile).Assembly.GetName().Version}",
            ["inputShape"] = new JsonArray(model.InputShape.Dimensions.ToArray().Select(d => (JsonNode)d).ToArray()),
            ["classNames"] = new JsonArray(model.ClassNames.Select(n => (JsonNode)n).ToArray()),
            ["normalization"] = new JsonObject
            {
                ["mean"] = new JsonArray(model.Normalization.Mean.Select(v => (JsonNode)v).ToArray()),
                ["std"] = new JsonArray(model.Normalization.Std.Select(v => (JsonNode)v).ToArray()),
            },
            ["architecture"] = LayerCatalog.Describe(model.Network),
            ["tensors"] = new JsonArray(tensors.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["shape"] = new JsonArray(t.Value.Shape.Dimensions.ToArray().Select(d => (JsonNode)d).ToArray()),
            }).ToArray()),
        };
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Write(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }
        Span<byte> word = stackalloc byte[4];
        Write(Magic);
        BinaryPrimitives.WriteInt32LittleEndian(word, FormatVersion);
        Write(word);
        BinaryPrimitives.WriteInt32LittleEndian(word, headerBytes.Length);
        Write(word);
        Write(headerBytes);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The model file is written on little-endian machines.");
        foreach (var (_, tensor) in tensors) Write(MemoryMarshal.AsBytes(tensor.Span));
        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>Reads the model saved at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, of a newer version, or not a model file.</exception>
    public static CnnModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        return Load(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a model from <paramref name="stream"/>; <paramref name="name"/> is what messages call it.</summary>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt, of a newer version, or not a model file.</exception>
    public static CnnModel Load(Stream stream, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Load(copy.ToArray(), name);
    }

    private static CnnModel Load(byte[] bytes, string name)
    {
        InvalidDataException Bad(string what) => new($"Model file '{name}' {what}");
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Bad($"is not an MLNet.Cnn model file: it does not start with \"MLNETCNN\".");
        if (bytes.Length < Magic.Length + 8 + HashLength) throw Bad($"is truncated: {bytes.Length} bytes, shorter than any model.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version > FormatVersion)
            throw Bad($"was written in format {version} by a newer MLNet.Cnn; this version reads format {FormatVersion} and older.");
        if (version < 1) throw Bad($"declares format {version}, which does not exist.");
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (headerLength <= 0 || 16L + headerLength + HashLength > bytes.Length)
            throw Bad($"is truncated: its header needs {headerLength} bytes but the file has {bytes.Length}.");

        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan(16, headerLength)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw Bad($"has a corrupt header: {e.Message}"); }
        try
        {
            var list = header["tensors"] as JsonArray ?? throw Bad("has no tensor list.");
            var shapes = list.Select(t => new TensorShape(t!["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray())).ToArray();
            long dataLength = shapes.Sum(s => (long)s.Length * sizeof(float));
            long expected = 16L + headerLength + dataLength + HashLength;
            if (bytes.Length != expected)
                throw Bad(bytes.Length < expected
                    ? $"is truncated: it has {bytes.Length} bytes; its header announces {expected}."
                    : $"has {bytes.Length - expected} bytes more than its header announces ({expected}).");
            var hash = SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashLength));
            if (!hash.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
                throw Bad("is corrupt: its SHA-256 checksum does not match its contents.");

            // The architecture's tensors must be the stored ones, each with a gradient of its size; a layer's sizes come from
            // the header, so the budget (and 4 MiB for whatever else a layer makes) stops a damaged size before it allocates.
            MLNet.Cnn.Layers.Layer network;
            try
            {
                using var budget = TensorBudget.Open(2 * dataLength / sizeof(float) + (1 << 20));
                network = LayerCatalog.Create(header["architecture"]);
            }
            catch (InvalidDataException e) { throw Bad($"has an invalid architecture: {e.Message}"); }
            var tensors = Tensors(network);
            if (tensors.Count != shapes.Length)
                throw Bad($"stores {shapes.Length} tensors but its architecture has {tensors.Count}.");
            long offset = 16L + headerLength;
            for (int i = 0; i < tensors.Count; i++)
            {
                string storedName = list[i]!["name"]!.GetValue<string>();
                if (storedName != tensors[i].Name || shapes[i] != tensors[i].Value.Shape)
                    throw Bad($"stores tensor {i} as '{storedName}' {shapes[i]}; the architecture expects '{tensors[i].Name}' {tensors[i].Value.Shape}.");
                int length = shapes[i].Length * sizeof(float);
                bytes.AsSpan((int)offset, length).CopyTo(MemoryMarshal.AsBytes(tensors[i].Value.Span));
                offset += length;
            }
            var input = new TensorShape(header["inputShape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray());
            var classNames = header["classNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            var normalization = new Normalization(
                header["normalization"]!["mean"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
                header["normalization"]!["std"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
            return new CnnModel(network, input, classNames, normalization);
        }
        catch (Exception e) when (e is ArgumentException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw Bad($"has an invalid header: {e.Message}");
        }
    }

    /// <summary>Parameters then buffers, in network order: what the file stores.</summary>
    private static List<(string Name, Tensor Value)> Tensors(MLNet.Cnn.Layers.Layer network) =>
        network.AllParameters().Select(p => (p.Name, p.Value)).Concat(network.AllBuffers()).ToList();
}
