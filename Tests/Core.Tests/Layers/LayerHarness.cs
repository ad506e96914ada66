using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Layers;

/// <summary>
/// The one check every layer goes through (Keras' run_layer_test, tinygrad's helper_test_op): output shape,
/// parameter count, backward against central finite differences for the input and every parameter,
/// one gradient step lowering a loss, and the round trips of its registration (<see cref="LayerRoundTrips"/>: model
/// file, ONNX Runtime, ONNX re-import). Finite differences run on the float layer with the loss summed in
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
        if (noRoundTrips is null) LayerRoundTrips.Check(layer, x);
        else Assert.IsFalse(input.Rank is 2 or 4, $"{layer}: an input {input} takes the round trips; leave them out only for another input ({noRoundTrips}).");
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
