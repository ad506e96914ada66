namespace MLNet.Cnn.Augment;

internal static class UniformDraw
{
    /// <summary>U(min, max): min + (max − min)·u, u ~ U[0, 1) (min itself when the range is empty).</summary>
    public static double Uniform(this Random random, double min, double max) => min + (max - min) * random.NextDouble();
}
