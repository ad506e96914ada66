using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// A pretrained ONNX network prepared to be run as it is (by ONNX Runtime, e.g. ML.NET's ApplyOnnxModel) as a frozen
/// feature extractor: its input renamed to <paramref name="InputName"/>, one graph output — a copy of
/// <paramref name="FeatureOutput"/> named <paramref name="OutputName"/> — the number of features per image, and the
/// input's dimensions after the batch (−1 where the file leaves one open).
/// </summary>
public sealed record OnnxFeatureOutput(byte[] Model, string InputName, string FeatureOutput, string OutputName, int FeatureCount,
    IReadOnlyList<int> InputDimensions)
{
    /// <summary>
    /// Reads the ONNX file at <paramref name="path"/>. <paramref name="featureOutput"/> must be one of its graph outputs
    /// with a known size per image; the error lists the outputs otherwise.
    /// </summary>
    public static OnnxFeatureOutput FromFile(string path, string? featureOutput, string inputName, string outputName)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var graph = model.Graph;
        var output = graph.Output.FirstOrDefault(o => o.Name == featureOutput)
            ?? throw new ArgumentException($"The feature output must name an output of '{path}' when ONNX Runtime runs it; " +
                $"'{featureOutput}' does not. Its outputs are: {string.Join(", ", graph.Output.Select(o => o.Name))}.", nameof(featureOutput));
        var dims = output.Type.TensorType.Shape.Dim;
        int features = checked((int)dims.Skip(1).Aggregate(1L, (size, d) => d.DimValue > 0 ? size * d.DimValue
            : throw new ArgumentException($"The output '{output.Name}' of '{path}' has an unknown size; the head needs a known feature count.", nameof(featureOutput))));
        int[] input = [.. graph.Input[0].Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue > 0 ? (int)d.DimValue : -1)];
        // The graph reads inputName and writes outputName; nothing else is kept as output.
        OnnxGraphEdits.Rename(graph, graph.Input[0].Name, inputName);
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = outputName, Input = { output.Name }, Output = { outputName } });
        output.Name = outputName;
        graph.Output.Clear();
        graph.Output.Add(output);
        return new OnnxFeatureOutput(model.ToByteArray(), inputName, featureOutput!, outputName, features, input);
    }
}
