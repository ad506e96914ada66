using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks;

/// <summary>The random inputs, weights and targets of the benchmarks.</summary>
internal static class RandomTensors
{
    /// <summary>A tensor of values drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Random random, TensorShape shape, float low = 0f, float high = 1f)
    {
        var tensor = new Tensor(shape);
        foreach (ref float v in tensor.Span) v = low + (high - low) * (float)random.NextDouble();
        return tensor;
    }

    /// <summary>Class indices [n] in 0…classes − 1, stored as floats (what <see cref="Training.SoftmaxCrossEntropy"/> takes).</summary>
    public static Tensor Labels(Random random, int n, int classes)
    {
        var tensor = new Tensor(n);
        foreach (ref float v in tensor.Span) v = random.Next(classes);
        return tensor;
    }
}
