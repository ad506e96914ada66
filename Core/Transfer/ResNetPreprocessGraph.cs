using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// ML.NET's <c>ResNetPreprocess.onnx</c> (package Microsoft.ML.DnnImageFeaturizer.ResNet18) read as what it computes:
/// RGB planes of 0 … 255 pixels [1, 3, H, W] → Split on the channels → Concat in the order B, G, R → Sub a mean image
/// (ImageNet's mean of each pixel, in B, G, R planes). Any other graph is refused.
/// </summary>
internal static class ResNetPreprocessGraph
{
    /// <summary>The mean image with its planes put back in R, G, B order, and its dims ([1, 3, H, W]).</summary>
    public static (float[] Values, int[] Dims) RgbMeanImage(string path)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        string[] ops = graph.Node.Select(n => n.OpType).ToArray();
        if (!ops.SequenceEqual(["Split", "Concat", "Sub"]))
            throw Unexpected(path, $"its nodes are {string.Join(" → ", ops)}; expected Split → Concat → Sub");
        var (split, concat, sub) = (graph.Node[0], graph.Node[1], graph.Node[2]);
        if (split.Output.Count != 3 || !concat.Input.SequenceEqual(split.Output.Reverse()))
            throw Unexpected(path, $"Concat takes [{string.Join(", ", concat.Input)}]; expected Split's three outputs [{string.Join(", ", split.Output)}] reversed (RGB → BGR)");
        var mean = graph.Initializer.FirstOrDefault(t => t.Name == sub.Input[1])
            ?? throw Unexpected(path, $"Sub subtracts '{sub.Input[1]}', which is not a constant of the file");
        var dims = OnnxTensorData.Dims(mean);
        if (dims.Length != 4 || dims[0] != 1 || dims[1] != 3)
            throw Unexpected(path, $"the mean image is [{string.Join(", ", dims)}]; expected [1, 3, H, W]");
        var bgr = OnnxTensorData.Floats(mean);
        int plane = dims[2] * dims[3];
        var rgb = new float[bgr.Length];
        for (int c = 0; c < 3; c++) bgr.AsSpan((2 - c) * plane, plane).CopyTo(rgb.AsSpan(c * plane, plane));
        return (rgb, dims);
    }

    private static NotSupportedException Unexpected(string path, string why) =>
        new($"The preprocessing graph '{path}' is not ML.NET's ResNet preprocessing: {why}.");
}
