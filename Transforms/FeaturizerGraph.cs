using Google.Protobuf;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Transforms;

/// <summary>
/// The ONNX graph the featurizer hands to ML.NET's OnnxTransformer: the network cut after the chosen layer
/// (<see cref="OnnxExporter.FeaturesToBytes"/>: raw pixels in, the model's normalization folded in, the layer's activation
/// flattened to [N, D] out), with its input and output renamed to the ML.NET columns, since OnnxTransformer reads and
/// writes the columns that bear the graph's value names.
/// </summary>
internal static class FeaturizerGraph
{
    public const int Opset = 13;

    public static byte[] Build(CnnModel model, string layerName, string inputColumnName, string outputColumnName)
    {
        var proto = OnnxExporter.BuildFeatures(model, layerName, Opset);
        OnnxGraphEdits.Rename(proto.Graph, OnnxExporter.InputName, inputColumnName);
        OnnxGraphEdits.Rename(proto.Graph, OnnxExporter.FeaturesName, outputColumnName);
        return proto.ToByteArray();
    }
}
