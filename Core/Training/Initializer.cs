using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>Weight initialization schemes; the fan of a weight follows PyTorch (fan_in = ∏ shape[1..], fan_out = shape[0]·∏ shape[2..]).</summary>
public enum WeightInit
{
    /// <summary>Glorot: U(±√(6 / (fan_in + fan_out))).</summary>
    XavierUniform,
    /// <summary>Glorot: N(0, 2 / (fan_in + fan_out)).</summary>
    XavierNormal,
    /// <summary>He / Kaiming for ReLU: U(±√(6 / fan_in)).</summary>
    HeUniform,
    /// <summary>He / Kaiming for ReLU: N(0, 2 / fan_in).</summary>
    HeNormal,
    /// <summary>He / Kaiming with fan_out, torchvision's choice for ResNet convolutions: N(0, 2 / fan_out).</summary>
    HeNormalFanOut,
}

/// <summary>
/// Fills a network's parameters from one seed, in the stable order of <see cref="Layer.AllParameters"/>, so
/// the same seed gives the same weights: weights by the chosen scheme, biases 0, normalization γ 1 and β 0;
/// slopes keep the value their layer gave them (PReLU's 0.25, as in PyTorch).
/// </summary>
public static class Initializer
{
    /// <summary>Fills every parameter of <paramref name="network"/> (see the type's summary) from <paramref name="seed"/>.</summary>
    /// <param name="scheme">How the weights are drawn; default He uniform.</param>
    public static void Initialize(Layer network, int seed, WeightInit scheme = WeightInit.HeUniform)
    {
        ArgumentNullException.ThrowIfNull(network);
        var random = new Random(seed);
        foreach (var parameter in network.AllParameters())
        {
            var span = parameter.Value.Span;
            switch (parameter.Role)
            {
                case ParameterRole.Weight: Fill(parameter.Value, scheme, random); break;
                case ParameterRole.Bias: span.Clear(); break;
                case ParameterRole.Normalization: span.Fill(parameter.Name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f); break;
            }
        }
    }

    /// <summary>Fills one weight tensor with the scheme, drawing from <paramref name="random"/>.</summary>
    public static void Fill(Tensor weight, WeightInit scheme, Random random)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (fanIn, fanOut) = Fans(weight.Shape);
        bool uniform = scheme is WeightInit.XavierUniform or WeightInit.HeUniform;
        double variance = scheme switch
        {
            WeightInit.XavierUniform or WeightInit.XavierNormal => 2.0 / (fanIn + fanOut),
            WeightInit.HeUniform or WeightInit.HeNormal => 2.0 / fanIn,
            WeightInit.HeNormalFanOut => 2.0 / fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown initialization scheme"),
        };
        // U(±a) has variance a²/3, so a = √(3·variance).
        double bound = Math.Sqrt(3 * variance), std = Math.Sqrt(variance);
        var span = weight.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = (float)(uniform ? (random.NextDouble() * 2 - 1) * bound : std * Gaussian(random));
    }

    /// <summary>PyTorch's fans of a weight of <paramref name="shape"/>: fan_in = ∏ shape[1..], fan_out = shape[0]·∏ shape[2..].</summary>
    public static (int FanIn, int FanOut) Fans(TensorShape shape)
    {
        int receptive = shape.Rank > 2 ? shape.SizeFrom(2) : 1;
        int fanIn = shape.Rank > 1 ? shape[1] * receptive : shape[0];
        return (fanIn, shape[0] * receptive);
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
