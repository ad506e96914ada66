using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Pruning;

/// <summary>A network with every kind of weight layer, normalization and slopes, and a plain reference for magnitude pruning.</summary>
internal static class PruningNetworks
{
    /// <summary>
    /// 1×6×6 images → 3 classes. Weight layers in network order: conv1 [4, 1, 3, 3], block/conv [6, 4, 3, 3],
    /// up (transposed) [6, 6, 1, 1], fc1 [16, 216], fc2 [3, 16]; block also holds a batch norm and a PReLU.
    /// </summary>
    public static Sequential Network() => new("net",
        new Conv2dLayer("conv1", 1, 4, 3, padding: ConvPadding.Same), new ActivationLayer("relu1", new ReLU()),
        new Sequential("block",
            new Conv2dLayer("conv", 4, 6, 3, padding: ConvPadding.Same), new BatchNorm2dLayer("bn", 6), new PReLULayer("prelu", 6)),
        new ConvTranspose2dLayer("up", 6, 6, 1),
        new FlattenLayer("flatten"),
        new DenseLayer("fc1", 6 * 6 * 6, 16), new ActivationLayer("relu2", new ReLU()),
        new DenseLayer("fc2", 16, 3));

    public static Sequential Randomized()
    {
        var network = Network();
        TestNetworks.Randomize(network);
        return network;
    }

    /// <summary>The weight tensors of the layers with these paths, in the order given.</summary>
    public static Parameter[] Weights(Layer network, params string[] paths) =>
        [.. paths.Select(path => LayerPaths.Walk(network).Single(l => l.Path == path).Layer.Parameters.Single(p => p.Role == ParameterRole.Weight))];

    /// <summary>
    /// The reference: rank all values of <paramref name="weights"/> by |w|, ties by position (tensor order, then index),
    /// with a stable sort, and take the first round(s·n) (half to even, Python's round). Returns (tensor, index) pairs.
    /// </summary>
    public static HashSet<(int Tensor, int Index)> SmallestMagnitudes(IReadOnlyList<float[]> weights, double sparsity)
    {
        var all = weights.SelectMany((values, t) => values.Select((v, i) => (Tensor: t, Index: i, Magnitude: Math.Abs(v)))).ToList();
        int k = (int)Math.Round(sparsity * all.Count, MidpointRounding.ToEven);
        return [.. all.OrderBy(w => w.Magnitude).Take(k).Select(w => (w.Tensor, w.Index))];
    }

    /// <summary>All parameter values and buffers of a network, to check what pruning left alone.</summary>
    public static Dictionary<string, float[]> Values(Layer network) =>
        network.AllParameters().Select(p => (p.Name, Values: p.Value.ToArray()))
            .Concat(network.AllBuffers().Select(b => (b.Name, Values: b.Value.ToArray())))
            .ToDictionary(x => x.Name, x => x.Values);
}
