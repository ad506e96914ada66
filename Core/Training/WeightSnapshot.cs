using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>A copy of a network's parameters and buffers (running statistics), to go back to later.</summary>
public sealed class WeightSnapshot
{
    private readonly Layer _network;
    private readonly float[][] _values;

    private WeightSnapshot(Layer network, float[][] values) => (_network, _values) = (network, values);

    /// <summary>Copies the current parameters and buffers of <paramref name="network"/>.</summary>
    public static WeightSnapshot Take(Layer network) =>
        new(network ?? throw new ArgumentNullException(nameof(network)), Tensors(network).Select(t => t.ToArray()).ToArray());

    /// <summary>Values saved earlier (a checkpoint's), one array per tensor of <paramref name="network"/> in the order of <see cref="Values"/>.</summary>
    internal static WeightSnapshot Of(Layer network, float[][] values)
    {
        var tensors = Tensors(network).ToList();
        if (tensors.Count != values.Length || tensors.Zip(values).Any(p => p.First.Length != p.Second.Length))
            throw new ArgumentException(
                $"The {values.Length} saved tensors do not match the {tensors.Count} of the network '{network.Name}' in number or length.", nameof(values));
        return new(network, values);
    }

    /// <summary>The saved values: parameters then buffers, in network order.</summary>
    internal float[][] Values => _values;

    /// <summary>Writes the saved values back into the network the snapshot was taken of.</summary>
    public void Restore()
    {
        foreach (var (tensor, values) in Tensors(_network).Zip(_values)) values.CopyTo(tensor.Span);
    }

    private static IEnumerable<MLNet.Cnn.Tensors.Tensor> Tensors(Layer network) =>
        network.AllParameters().Select(p => p.Value).Concat(network.AllBuffers().Select(b => b.Value));
}
