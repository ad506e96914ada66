using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Onnx;

/// <summary>That the peer computes what we compute, checked once before anything is timed.</summary>
internal static class PeerCheck
{
    /// <summary>
    /// Prints the largest difference between our output and ONNX Runtime's, and throws when any element differs by more than
    /// <paramref name="tolerance"/> relative to max(1, |ORT's|).
    /// </summary>
    public static void Outputs(string name, Tensor ours, Tensor peer, double tolerance)
    {
        ReadOnlySpan<float> a = ours.Span, b = peer.Span;
        double maxAbs = 0, maxRelative = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - b[i]);
            maxAbs = Math.Max(maxAbs, diff);
            maxRelative = Math.Max(maxRelative, double.IsNaN(diff) ? double.PositiveInfinity : diff / Math.Max(1.0, Math.Abs(b[i])));
        }
        Console.WriteLine($"  check vs ORT: max |ours − ORT| = {maxAbs:0.00e0} (relative {maxRelative:0.00e0})");
        if (!(maxRelative <= tolerance))
            throw new InvalidOperationException(
                $"{name}: our forward differs from ONNX Runtime's by {maxRelative:E2} relative (max abs {maxAbs:E2}); tolerance {tolerance:E0}.");
    }
}
