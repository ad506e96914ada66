using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Support;

/// <summary>Networks with values that matter, for tests that compare two ways of running them.</summary>
public static class TestNetworks
{
    /// <summary>He-uniform weights and random biases, normalization terms, slopes and batch-norm statistics (seeded).</summary>
    public static void Randomize(Layer network)
    {
        Initializer.Initialize(network, seed: 5, WeightInit.HeUniform);
        int seed = 100;
        foreach (var p in network.AllParameters())
        {
            // Biases and batch-norm affine terms start at constants; give them values that matter.
            if (p.Role is ParameterRole.Bias or ParameterRole.Normalization or ParameterRole.Slope)
            {
                var values = TestData.Floats(seed++, p.Value.Length, 0.5f);
                for (int i = 0; i < values.Length; i++) p.Value.Span[i] = p.Role == ParameterRole.Bias ? values[i] : 1f + values[i];
            }
        }
        foreach (var (name, buffer) in network.AllBuffers())
        {
            var values = TestData.Floats(seed++, buffer.Length, 0.5f);
            for (int i = 0; i < values.Length; i++) buffer.Span[i] = name.EndsWith("running_var", StringComparison.Ordinal) ? 1f + values[i] : values[i];
        }
    }
}
