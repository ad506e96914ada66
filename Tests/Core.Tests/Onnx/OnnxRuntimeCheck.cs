using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Exports a network, runs it in ONNX Runtime with batches of 1 and 3 (the batch axis is dynamic) and compares with
/// <see cref="Layer.Forward"/> at inference: the shared check of <see cref="OnnxExportTests"/> and
/// <see cref="OnnxArchitectureExportTests"/>.
/// </summary>
internal static class OnnxRuntimeCheck
{
    public const double Tolerance = 1e-5;

    // Whole architectures: 20-50 float32 layers deep, ONNX Runtime's kernels (MLAS, with fused Conv+Add/Clip) and the
    // core's sum in different orders, which moves logits of magnitude ~10 by ~1e-5 (measured: up to 2.2e-5 on a logit of
    // −1.68, the same with graph optimizations off, and identical for batch 1 and 3 on each side). For them
    // (wholeTensorScale) the tolerance is 1e-5 relative to the largest output of the sample batch rather than to each
    // element.

    /// <summary>Randomizes the parameters and batch-norm statistics, exports, and compares batches of 1 and 3.</summary>
    public static void AssertSameOutputs(Layer network, int[] imageShape, int opset = 13, int classes = 0, float scale = 2f,
        string because = "", bool wholeTensorScale = false)
    {
        TestNetworks.Randomize(network);
        var model = new CnnModel(network, new TensorShape(imageShape), classes == 0 ? [] : Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray());
        using var session = new InferenceSession(OnnxExporter.ToBytes(model, opset));
        foreach (int batch in new[] { 1, 3 })
        {
            int[] dims = [batch, .. imageShape];
            var input = TestData.Tensor(batch + 17, dims);
            for (int i = 0; i < input.Length; i++) input.Span[i] *= scale;
            var expectedTensor = network.Forward(input, training: false);
            var expectedShape = expectedTensor.Shape.Dimensions.ToArray();
            var expected = expectedTensor.ToArray();

            var (actual, actualShape) = OrtRun.Output(session, input, OnnxExporter.OutputName);

            string what = $"{network.Name} {because} opset {opset} batch {batch}";
            CollectionAssert.AreEqual(expectedShape, actualShape, $"{what}: shape");
            Assert.IsTrue(expected.Length == 1 || expected.Distinct().Count() > 1, $"{what}: the core's output is constant, so comparing it would check little.");
            double largest = expected.Max(v => Math.Abs(v));
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, wholeTensorScale ? largest : Math.Abs(expected[i]))))
                    Assert.Fail($"{what}: element {i} is {actual[i]} in ONNX Runtime, {expected[i]} in the core.");
        }
    }
}
