namespace MLNet.Cnn.Layers;

/// <summary>
/// Gradients of a network evaluated as at inference, what Grad-CAM and saliency maps take: inside
/// <c>using (InferenceGradients.Enable(network)) { … }</c> a training pass (<see cref="Layer.Forward"/> with training true,
/// then <see cref="Layer.Backward"/>) runs batch norm on its running statistics, which stay as they are, passes dropout
/// through without drawing a mask, and differentiates through frozen blocks, so that its output is the inference output
/// (within float rounding) and its gradients are that function's. Disposing the scope puts back each layer's previous
/// setting (<see cref="IInferenceBehaviour"/>). Parameter gradients are written as by any backward pass.
/// </summary>
public static class InferenceGradients
{
    /// <summary>
    /// Sets <see cref="IInferenceBehaviour.BehaveAsInference"/> on <paramref name="network"/> and on every layer inside it;
    /// the returned scope, when disposed, gives each of them back the value it had.
    /// </summary>
    public static IDisposable Enable(Layer network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var before = SelfAndBelow(network).OfType<IInferenceBehaviour>().Distinct().Select(l => (Layer: l, l.BehaveAsInference)).ToArray();
        foreach (var (layer, _) in before) layer.BehaveAsInference = true;
        return new Scope(before);
    }

    private static IEnumerable<Layer> SelfAndBelow(Layer layer) => layer.Children.SelectMany(SelfAndBelow).Prepend(layer);

    private sealed class Scope((IInferenceBehaviour Layer, bool BehaveAsInference)[] before) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var (layer, value) in before) layer.BehaveAsInference = value;
        }
    }
}
