using Google.Protobuf;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// Pretrained networks a .NET user has offline, as backbones for <see cref="TransferLearning"/> (and the CNN transfer
/// trainer's <c>Backbone</c>): their weights imported into the core, their preprocessing expressed as the
/// <see cref="TransferBackbone.Normalization"/> of RGB pixels in [0, 1] — what the trainers feed — so they are used like
/// any other backbone, frozen, partly frozen or fine-tuned.
/// </summary>
public static class PretrainedBackbones
{
    /// <summary>The NuGet package that carries ML.NET's ImageNet ResNet-18.</summary>
    public const string ResNet18Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>
    /// ML.NET's ImageNet-pretrained ResNet-18 (CNTK 2.6's export at opset 8; 3×224×224 in, 512 features out after the global
    /// average pooling), from the files of the NuGet package <see cref="ResNet18Package"/>: <c>ResNet18Onnx/ResNet18.onnx</c>
    /// and <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c> under <paramref name="modelsDirectory"/> — by default the
    /// <c>DnnImageModels</c> folder the package copies to the application's output, else the package in the NuGet cache.
    /// Its preprocessing (0 … 255 pixels in B, G, R order, minus ImageNet's mean image) is folded in exactly: the first
    /// convolution's input channels reversed, so the network reads R, G, B; the mean image (planes reordered to R, G, B)
    /// subtracted by a constant Sub in front of it; and <c>Normalization(0, 1 / 255)</c>, which turns the trainers' pixels
    /// in [0, 1] into 0 … 255.
    /// </summary>
    public static TransferBackbone ResNet18ImageNet(string? modelsDirectory = null)
    {
        string directory = modelsDirectory ?? DefaultDirectory();
        string network = Path.Combine(directory, "ResNet18Onnx", "ResNet18.onnx"), preprocess = Path.Combine(directory, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        foreach (var file in new[] { network, preprocess })
            if (!File.Exists(file))
                throw new FileNotFoundException($"ML.NET's ResNet-18 file '{file}' is missing: add the NuGet package {ResNet18Package} to the " +
                    "application (it copies its DnnImageModels folder to the output) or pass the folder that holds ResNet18Onnx/ and ResNetPrepOnnx/.", file);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(network));
        var conv = FirstConvolution(model, network);
        ReverseInputChannels(model.Graph.Initializer.First(t => t.Name == conv.Input[1]), network);
        SubtractBefore(model.Graph, conv, ResNetPreprocessGraph.RgbMeanImage(preprocess));
        OpsetUpgrade.To13(model, network);   // so that a network built on it saves as one ONNX model (our exporter writes opset 13)
        var normalization = new Normalization([0f, 0f, 0f], [1f / 255, 1f / 255, 1f / 255]);
        return new OnnxBackbone(model.ToByteArray(), network, model.Graph.Output[0].Name, normalization);
    }

    /// <summary>The package's folder next to the application, or in the NuGet cache (newest version).</summary>
    private static string DefaultDirectory()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        if (Directory.Exists(beside)) return beside;
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string package = Path.Combine(cache, ResNet18Package.ToLowerInvariant());
        var newest = Directory.Exists(package)
            ? Directory.GetDirectories(package).Select(d => Path.Combine(d, "tools", "DnnImageModels")).Where(Directory.Exists).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return newest ?? beside;
    }

    /// <summary>The convolution that reads the graph's input (the image).</summary>
    private static NodeProto FirstConvolution(ModelProto model, string path)
    {
        var graph = model.Graph;
        string input = graph.Input.First(i => graph.Initializer.All(t => t.Name != i.Name)).Name;
        return graph.Node.FirstOrDefault(n => n.OpType == "Conv" && n.Input[0] == input)
            ?? throw new NotSupportedException($"'{path}': no convolution reads the input '{input}' directly, so the preprocessing cannot be folded in.");
    }

    /// <summary>Weights [M, 3, kH, kW] with input channels 0 and 2 swapped compute on R, G, B what the originals computed on B, G, R.</summary>
    private static void ReverseInputChannels(TensorProto weight, string path)
    {
        var dims = OnnxTensorData.Dims(weight);
        if (dims.Length != 4 || dims[1] != 3) throw new NotSupportedException($"'{path}': the first convolution's weights are [{string.Join(", ", dims)}]; expected [M, 3, kH, kW].");
        var values = OnnxTensorData.Floats(weight);
        int plane = dims[2] * dims[3];
        for (int m = 0; m < dims[0]; m++)
        {
            var r = values.AsSpan((m * 3 + 0) * plane, plane);
            var b = values.AsSpan((m * 3 + 2) * plane, plane);
            for (int k = 0; k < plane; k++) (r[k], b[k]) = (b[k], r[k]);
        }
        OnnxTensorData.SetFloats(weight, values);
    }

    /// <summary>Puts <c>Sub(input, mean)</c> in front of <paramref name="conv"/>, which then reads the difference.</summary>
    private static void SubtractBefore(GraphProto graph, NodeProto conv, (float[] Values, int[] Dims) mean)
    {
        const string meanName = "mlnet_cnn_mean_image", centered = "mlnet_cnn_centered_input";
        var constant = new TensorProto { Name = meanName, DataType = (int)TensorProto.Types.DataType.Float };
        constant.Dims.AddRange(mean.Dims.Select(d => (long)d));
        OnnxTensorData.SetFloats(constant, mean.Values);
        graph.Initializer.Add(constant);
        var sub = new NodeProto { OpType = "Sub", Name = "mlnet_cnn_subtract_mean_image" };
        sub.Input.AddRange([conv.Input[0], meanName]);
        sub.Output.Add(centered);
        graph.Node.Insert(0, sub);
        conv.Input[0] = centered;
    }
}
