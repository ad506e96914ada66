using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Onnx;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// The one check every layer goes through (Keras' run_layer_test, tinygrad's helper_test_op): output shape,
/// parameter count, backward against central finite differences for the input and every parameter,
/// one gradient step lowering a loss, and the round trips of its registration (<see cref="RoundTrips"/>: model file,
/// ONNX Runtime, ONNX re-import). Finite differences run on the float layer with the loss summed in
/// double; the step is large enough for float rounding to stay well below the tolerance. <c>inputMap</c>
/// transforms the random inputs, e.g. to keep them away from the kinks of an activation.
/// </summary>
public static class LayerHarness
{
    /// <summary>
    /// The model's input is one image, so the round trips take an input [N, C, H, W] or [N, F] (read as [N, F, 1, 1]
    /// through a flatten); for any other, <paramref name="noRoundTrips"/> must say why they are left out.
    /// </summary>
    public static void Check(Layer layer, TensorShape input, long expectedParameters, int seed = 1,
        double tolerance = 2e-2, double step = 1e-2, int coordinates = 12, Func<float, float>? inputMap = null, string? noRoundTrips = null)
    {
        Initializer.Initialize(layer, seed);
        // Some layers (batch norm with zero β, ReLU at 0) are flat somewhere; random non-zero parameters avoid it.
        var random = new Random(seed);
        foreach (var p in layer.AllParameters().Where(p => p.Role != ParameterRole.Weight))
            foreach (ref float v in p.Value.Span) v += (float)(random.NextDouble() - 0.5) * 0.2f;

        Assert.AreEqual(expectedParameters, layer.ParameterCount, $"{layer}: parameter count");
        var x = TestData.Tensor(seed + 1, input.Dimensions.ToArray());
        if (inputMap is not null)
            foreach (ref float v in x.Span) v = inputMap(v);
        var y = layer.Forward(x, training: true);
        Assert.AreEqual(layer.OutputShape(input), y.Shape, $"{layer}: output shape");
        var g = TestData.Floats(seed + 2, y.Length);

        // Analytic gradients, copied before the finite-difference forwards overwrite the layer's buffers.
        var gradOutput = Tensor.FromArray(g, y.Shape.Dimensions.ToArray());
        var gradInput = layer.Backward(gradOutput).ToArray();
        var parameterGradients = layer.AllParameters().Select(p => p.Gradient.ToArray()).ToArray();

        double Loss()
        {
            var output = layer.Forward(x, training: true).Span;
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += (double)g[i] * output[i];
            return sum;
        }
        CheckCoordinates($"{layer}: ∂L/∂input", x, gradInput, Loss, step, tolerance, coordinates, random);
        foreach (var (p, grad) in layer.AllParameters().Zip(parameterGradients))
            CheckCoordinates($"{layer}: ∂L/∂{p.Name}", p.Value, grad, Loss, step, tolerance, coordinates, random);

        OneStepLowersTheLoss(layer, x, seed);
        if (noRoundTrips is null) RoundTrips(layer, x);
        else Assert.IsFalse(input.Rank is 2 or 4, $"{layer}: an input {input} takes the round trips; leave them out only for another input ({noRoundTrips}).");
    }

    /// <summary>
    /// What a layer's <see cref="LayerKind"/> promises, on the layer as it is (weights and batch-norm statistics included),
    /// for input <paramref name="x"/>, [N, C, H, W] or [N, F]: the model file saves and loads it with the same description
    /// and bit-identical outputs; its ONNX export gives its outputs in ONNX Runtime, and imported back with
    /// <see cref="OnnxImporter"/> in the core, both within <see cref="OnnxRuntimeCheck.Tolerance"/>. A round trip named in
    /// <paramref name="skip"/> is left out. An input [N, F] goes in as the image [F, 1, 1] through a <see cref="FlattenLayer"/>.
    /// </summary>
    public static void RoundTrips(Layer layer, Tensor x, RoundTrip skip = RoundTrip.None)
    {
        var (network, image) = x.Shape.Rank switch
        {
            4 => (layer, new TensorShape(x.Shape[1], x.Shape[2], x.Shape[3])),
            2 => (new Sequential("harness", new FlattenLayer("harness.flatten"), layer), new TensorShape(x.Shape[1], 1, 1)),
            _ => throw new ArgumentException($"{layer}: the round trips take an input [N, C, H, W] or [N, F], not {x.Shape}.", nameof(x)),
        };
        var model = new CnnModel(network, image, []);
        var input = x.Reshape([x.Shape[0], .. image.Dimensions.ToArray()]);
        float[] expected = network.Forward(input, training: false).ToArray();

        if (!skip.HasFlag(RoundTrip.ModelFile))
        {
            using var file = new MemoryStream();
            ModelFile.Save(model, file);
            var loaded = ModelFile.Load(new MemoryStream(file.ToArray())).Network;
            Assert.AreEqual(LayerCatalog.Describe(network).ToJsonString(), LayerCatalog.Describe(loaded).ToJsonString(), $"{layer}: model file entry");
            CollectionAssert.AreEqual(expected, loaded.Forward(input, training: false).ToArray(), $"{layer}: outputs after the model file");
        }
        if (skip.HasFlag(RoundTrip.Onnx) && skip.HasFlag(RoundTrip.Reimport)) return;
        var onnx = OnnxExporter.ToBytes(model);
        if (!skip.HasFlag(RoundTrip.Onnx))
        {
            using var session = new InferenceSession(onnx);
            OnnxRuntimeCheck.AssertSameOutput(session, network, input, $"{layer}: ONNX Runtime");
        }
        if (!skip.HasFlag(RoundTrip.Reimport))
        {
            var imported = OnnxImporter.Load(new MemoryStream(onnx));
            var actual = imported.Forward(input, training: false);
            CollectionAssert.AreEqual(network.OutputShape(input.Shape).Dimensions.ToArray(), actual.Shape.Dimensions.ToArray(), $"{layer}: shape after the re-import");
            Approx.AssertClose(expected, actual.Span, OnnxRuntimeCheck.Tolerance, $"{layer}: outputs after the ONNX re-import");
        }
    }

    private static void CheckCoordinates(string what, Tensor values, float[] analytic, Func<double> loss, double step,
        double tolerance, int coordinates, Random random)
    {
        var span = values.Span;
        double scale = Math.Max(1e-3, analytic.Max(v => Math.Abs(v)));
        for (int c = 0; c < Math.Min(coordinates, span.Length); c++)
        {
            int i = random.Next(span.Length);
            float saved = span[i];
            span[i] = (float)(saved + step);
            double plus = loss();
            span[i] = (float)(saved - step);
            double minus = loss();
            span[i] = saved;
            double numeric = (plus - minus) / (2 * step);
            if (Math.Abs(numeric - analytic[i]) > tolerance * Math.Max(scale, Math.Abs(numeric)))
                Assert.Fail($"{what}[{i}]: analytic {analytic[i]}, finite difference {numeric} (scale {scale}).");
        }
    }

    /// <summary>Plain gradient descent on L = ½‖y − t‖² for a random target t must lower L.</summary>
    private static void OneStepLowersTheLoss(Layer layer, Tensor x, int seed)
    {
        var parameters = layer.AllParameters().ToArray();
        if (parameters.Length == 0) return;
        var y = layer.Forward(x, training: true);
        var target = TestData.Floats(seed + 3, y.Length);
        double Loss(Tensor output, Tensor? grad)
        {
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                double d = output.Span[i] - target[i];
                sum += 0.5 * d * d;
                if (grad is not null) grad.Span[i] = (float)d;
            }
            return sum;
        }
        var gradOutput = new Tensor(y.Shape);
        double before = Loss(y, gradOutput);
        layer.Backward(gradOutput);
        double norm = parameters.Sum(p => p.Gradient.Span.ToArray().Sum(v => (double)v * v));
        float learningRate = (float)(1e-3 * before / Math.Max(norm, 1e-12));
        foreach (var p in parameters)
            for (int i = 0; i < p.Value.Length; i++) p.Value.Span[i] -= learningRate * p.Gradient.Span[i];
        double after = Loss(layer.Forward(x, training: true), null);
        Assert.IsTrue(after < before, $"{layer}: one gradient step did not lower the loss ({before} → {after}).");
    }
}

/// <summary>The round trips of <see cref="LayerHarness.RoundTrips"/>.</summary>
[Flags]
public enum RoundTrip
{
    None = 0,
    /// <summary>ModelFile.Save, then Load.</summary>
    ModelFile = 1,
    /// <summary>OnnxExporter, then ONNX Runtime.</summary>
    Onnx = 2,
    /// <summary>OnnxExporter, then OnnxImporter.</summary>
    Reimport = 4,
}
