using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// ML.NET's <c>ResNetPreprocess.onnx</c> (Split of the RGB planes → Concat as B, G, R → Sub a mean image), from the
/// package Microsoft.ML.DnnImageFeaturizer.ResNet18 this project references, imported as a graph: its float Split now
/// imports, and the network gives what ONNX Runtime gives.
/// </summary>
[TestClass]
public sealed class ResNetPreprocessImportTests
{
    [TestMethod]
    public void MLNetsResNetPreprocessImportsAndGivesWhatOnnxRuntimeGives()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        if (!File.Exists(path)) Assert.Inconclusive($"{path} is absent (the package copies it to the output).");
        var network = OnnxImporter.Load(path);

        var random = new Random(5);
        var pixels = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.Next(256)).ToArray();
        var ours = network.Forward(Tensors.Tensor.FromArray(pixels, 1, 3, 224, 224), training: false).ToArray();

        using var session = new InferenceSession(path);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<float>(pixels, [1, 3, 224, 224]))]);
        var expected = results.Single().AsEnumerable<float>().ToArray();
        Assert.AreEqual(expected.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++) Assert.AreEqual(expected[i], ours[i], 1e-4f, $"element {i}");
    }
}
