using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Explain;

/// <summary>
/// The logits a chain of layers gives for some activations, and ∂(one class's logit)/∂activations, both at inference
/// (<see cref="InferenceGradients"/>): batch norm on its running statistics, dropout passing through. The layers are left as
/// they were: no running statistic moves, no dropout draws, and the parameters' gradients and the layers' settings are put back.
/// </summary>
internal static class ClassScoreGradient
{
    /// <summary>
    /// For activations [1, K, h, w] and layers giving logits [1, classes]: the logits, the class (<paramref name="classIndex"/>,
    /// or the one with the highest logit, the lowest index on a tie) and ∂logit[class]/∂activations [1, K, h, w], a new tensor.
    /// </summary>
    public static (float[] Logits, int ClassIndex, Tensor Gradient) Of(Layer layers, Tensor activations, int? classIndex)
    {
        var parameters = layers.AllParameters().ToArray();
        var gradients = parameters.Select(p => p.Gradient.ToArray()).ToArray();
        bool inputGradientNeeded = layers.InputGradientNeeded;
        try
        {
            using var inference = InferenceGradients.Enable(layers);
            layers.InputGradientNeeded = true;
            var output = layers.Forward(activations, training: true);
            float[] logits = output.ToArray();
            int chosen = classIndex ?? ArgMax(logits);
            var seed = new Tensor(output.Shape);
            seed.Span[chosen] = 1f;
            var gradient = LayerActivations.Copy(layers.Backward(seed));
            layers.ReleaseGradInput();
            return (logits, chosen, gradient);
        }
        finally
        {
            layers.InputGradientNeeded = inputGradientNeeded;
            foreach (var (parameter, saved) in parameters.Zip(gradients)) saved.CopyTo(parameter.Gradient.Span);
        }
    }

    /// <summary>The index of the largest value, the first of equal ones.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
