using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>Seeded random inputs for kernel tests.</summary>
public static class TestData
{
    /// <summary>Uniform values in [−scale, scale).</summary>
    public static float[] Floats(int seed, int length, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static Tensor Tensor(int seed, params int[] dims) => Tensor(seed, new TensorShape(dims));

    public static Tensor Tensor(int seed, TensorShape shape)
    {
        var tensor = new Tensor(shape);
        Floats(seed, tensor.Length).CopyTo(tensor.Span);
        return tensor;
    }

    /// <summary>
    /// Distinct values 0.05 apart, centred on 0 and shuffled: no ties (for a maximum), none within a finite-difference
    /// step of another, and no zero.
    /// </summary>
    public static Tensor Distinct(int seed, params int[] dims)
    {
        var tensor = new Tensor(dims);
        var values = Enumerable.Range(0, tensor.Length).Select(i => (i + 0.5f - tensor.Length / 2f) * 0.05f).ToArray();
        new Random(seed).Shuffle(values);
        values.CopyTo(tensor.Span);
        return tensor;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
