using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>A copy of a network's parameters and buffers (running statistics), to go back to later.</summary>
public sealed class WeightSnapshot
{
    private readonly Layer _network;
    private readonly float[][] _values;

    private WeightSnapshot(Layer network)
    {
        _network = network;
        _values = Tensors(network).Select(t => t.ToArray()).ToArray();
    }

    public static WeightSnapshot Take(Layer network) => new(network ?? throw new ArgumentNullException(nameof(network)));

    /// <summary>Writes the saved values back into the network the snapshot was taken of.</summary>
    public void Restore()
    {
        foreach (var (tensor, values) in Tensors(_network).Zip(_values)) values.CopyTo(tensor.Span);
    }

    private static IEnumerable<MLNet.Cnn.Tensors.Tensor> Tensors(Layer network) =>
        network.AllParameters().Select(p => p.Value).Concat(network.AllBuffers().Select(b => b.Value));
}
