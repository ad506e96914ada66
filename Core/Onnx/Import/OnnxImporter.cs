using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Reads an ONNX model (a pretrained network, e.g. exported by PyTorch) into an <see cref="OnnxNetwork"/>: a trainable
/// <see cref="Layers.Layer"/> built from the core's layers, for inference, fine-tuning or as a transfer-learning backbone.
/// The graph's inputs are float tensors [N, …] (usually one image input); the batch may change from call to call. An op,
/// or an attribute value, the importer cannot map gives a <see cref="NotSupportedException"/> naming the op type, the node
/// and the attribute. Which ops it maps: docs/onnx-import.md.
/// </summary>
public static class OnnxImporter
{
    /// <summary>
    /// Reads the model in file <paramref name="path"/>. With <paramref name="cutAt"/> (the name of a value, or of a node,
    /// meaning its output) the network ends there and returns that value, e.g. the features before a classifier;
    /// the nodes that value does not depend on, and their weights, are left out. Without it the network can return
    /// any of the graph's outputs (<see cref="OnnxNetwork.OutputName"/>, the first by default).
    /// A file that is not a valid ONNX protobuf is an <see cref="InvalidDataException"/>; a graph the importer cannot map a
    /// <see cref="NotSupportedException"/>, one whose nodes are not in topological order an <see cref="InvalidOperationException"/>;
    /// each names the file.
    /// </summary>
    public static OnnxNetwork Load(string path, string? cutAt = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Load(stream, cutAt, $"ONNX model '{path}': ", Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>
    /// Reads the model from a stream (left open); see <see cref="Load(string, string?)"/>. <paramref name="name"/> (a file
    /// name, a resource) starts the message of a refusal. A stream has no folder, so a model whose weights are in external
    /// files must be loaded from its path.
    /// </summary>
    public static OnnxNetwork Load(Stream stream, string? cutAt = null, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(stream, cutAt, $"ONNX model '{name}': ", folder: null);
    }

    /// <summary>The import; <paramref name="source"/> (the file's name) starts the message of a refusal.</summary>
    private static OnnxNetwork Load(Stream stream, string? cutAt, string source, string? folder)
    {
        try
        {
            var model = ModelProto.Parser.ParseFrom(stream);
            if (model.Graph is null) throw new InvalidDataException("The ONNX model has no graph.");
            OnnxExternalData.Internalize(model, folder);
            OnnxSparseInitializers.Densify(model.Graph);
            var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version
                ?? throw new NotSupportedException("The ONNX model imports no default-domain (ai.onnx) opset.");
            return new OnnxGraphImport(model, (int)opset).Build(cutAt);
        }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"{source}not a valid ONNX (protobuf) model: {e.Message}", e); }
        catch (FileNotFoundException e) { throw new FileNotFoundException(source + e.Message, e.FileName, e); }
        catch (InvalidDataException e) { throw new InvalidDataException(source + e.Message, e); }
        catch (NotSupportedException e) { throw new NotSupportedException(source + e.Message, e); }
        catch (InvalidOperationException e) { throw new InvalidOperationException(source + e.Message, e); }
    }
}
