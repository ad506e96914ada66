using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>
/// Checks one imported ONNX op on one input: each named output against ONNX Runtime (shape and values), and the backward
/// pass of the imported network against central finite differences of its own forward (float, with the loss summed in
/// double and a step large enough for float rounding to stay well below the tolerance, as the layer harness does).
/// </summary>
internal static class OnnxOpCheck
{
    public static void MatchesOnnxRuntime(byte[] model, Tensor input, params string[] outputs)
    {
        var network = OnnxImporter.Load(new MemoryStream(model));
        using var session = new InferenceSession(model);
        foreach (var output in outputs)
        {
            network.OutputName = output;
            var actual = network.Forward(input, training: false);
            var (expected, shape) = OrtRun.Output(session, input, output, inputName: "x");
            CollectionAssert.AreEqual(shape, actual.Shape.Dimensions.ToArray(), $"{output}: shape {actual.Shape}");
            CollectionAssert.AreEqual(shape, network.OutputShape(input.Shape).Dimensions.ToArray(), $"{output}: inferred shape");
            for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual.Span[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{output}: element {i}");

            network.InputGradientNeeded = true;
            GradientCheck.AssertMatchesFiniteDifferences($"{output} at {input.Shape}", TestData.ToDouble(input.Span),
                x => TestData.ToDouble(network.Forward(Tensor.FromArray(x.Select(v => (float)v).ToArray(), input.Shape.Dimensions.ToArray()), training: true).Span),
                g =>
                {
                    network.Forward(input, training: true);
                    var dy = Tensor.FromArray(g.Select(v => (float)v).ToArray(), shape);
                    return TestData.ToDouble(network.Backward(dy).Span);
                },
                step: 1e-2, tolerance: 2e-2);
        }
    }
}
