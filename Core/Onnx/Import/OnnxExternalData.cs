using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;
using DataLocation = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataLocation;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Weights stored outside the model file (ONNX "external data", how exporters save models past protobuf's 2 GB and how many
/// large models are published): each such tensor names a file relative to the model's folder with keys location, offset
/// and length. They are read into the tensor's raw data before import, so the imported network and the model it saves
/// back (<see cref="OnnxNetwork.ToOnnxBytes"/>) hold the weights inside.
/// </summary>
internal static class OnnxExternalData
{
    /// <summary>
    /// Reads every external tensor of <paramref name="model"/> (initializers, Constant nodes' values) from files under
    /// <paramref name="folder"/>, the model file's folder; null when the model came from a stream, which has none.
    /// </summary>
    public static void Internalize(ModelProto model, string? folder)
    {
        var tensors = model.Graph.Initializer
            .Concat(model.Graph.Node.SelectMany(n => n.Attribute).Where(a => a.T is not null).Select(a => a.T))
            .Where(t => t.DataLocation == DataLocation.External);
        foreach (var tensor in tensors) Read(tensor, folder);
    }

    private static void Read(TensorProto tensor, string? folder)
    {
        var keys = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        string location = keys.GetValueOrDefault("location")
            ?? throw new InvalidDataException($"ONNX tensor '{tensor.Name}' is stored externally but names no 'location'.");
        if (folder is null)
            throw new NotSupportedException($"ONNX tensor '{tensor.Name}' is stored in the external file '{location}'; load the model from its path (OnnxImporter.Load(path)) so that the file can be found beside it.");
        // The location is relative to the model's folder and must stay inside it: a model file cannot make us read /etc/passwd.
        string root = Path.GetFullPath(folder);
        string path = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidDataException($"ONNX tensor '{tensor.Name}' names external file '{location}', which is not inside the model's folder '{root}'.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX tensor '{tensor.Name}' is stored in '{path}', which does not exist.", path);

        long offset = Number(tensor, keys, "offset", 0);
        using var file = File.OpenRead(path);
        long length = Number(tensor, keys, "length", file.Length - offset);
        if (offset < 0 || length < 0 || offset + length > file.Length)
            throw new InvalidDataException($"ONNX tensor '{tensor.Name}' takes bytes {offset}..{offset + length} of '{path}', which holds {file.Length}.");
        if (length > int.MaxValue)
            throw new NotSupportedException($"ONNX tensor '{tensor.Name}' takes {length} bytes of '{path}', more than one tensor holds.");
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        tensor.RawData = ByteString.CopyFrom(bytes);
        tensor.ExternalData.Clear();
        tensor.DataLocation = DataLocation.Default;
    }

    private static long Number(TensorProto tensor, Dictionary<string, string> keys, string key, long absent) =>
        !keys.TryGetValue(key, out var text) ? absent
        : long.TryParse(text, out long value) ? value
        : throw new InvalidDataException($"ONNX tensor '{tensor.Name}' has external-data {key} '{text}', not a number.");
}
