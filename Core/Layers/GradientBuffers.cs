using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// The input-gradient buffers of layers, shared along the backward pass. A layer rents its ∂L/∂input buffer here
/// (<see cref="Layer"/>'s GradInputBuffer); once the layer before it has consumed that gradient, the container that runs
/// them (<see cref="Sequential"/>, <see cref="Residual"/>) gives the buffer back (<see cref="Layer.ReleaseGradInput"/>),
/// and the next layer of the same shape takes it. A chain of layers then holds two or three gradients at a time instead
/// of one per layer — what keeps a deep network's training memory near its activations alone. Buffers are kept by
/// exact shape; the pool holds at most as many as were in use at once, and <see cref="Trim"/> (called when a training run
/// ends) lets them go.
/// </summary>
internal static class GradientBuffers
{
    private static readonly Dictionary<TensorShape, Stack<Tensor>> Free = [];

    /// <summary>Tests turn sharing off (every layer keeps its own buffer, as before) to check it changes no result.</summary>
    internal static bool Shared { get; set; } = true;

    public static Tensor Rent(TensorShape shape)
    {
        lock (Free)
            if (Free.TryGetValue(shape, out var stack) && stack.Count > 0) return stack.Pop();
        return new Tensor(shape);
    }

    /// <summary>
    /// Drops the buffers in the pool (none is in use: a layer holds the one it rented until it gives it back), so a
    /// finished training run leaves no gradient memory behind. Another run going on at the same time only rents anew.
    /// </summary>
    public static void Trim()
    {
        lock (Free) Free.Clear();
    }

    /// <summary>How many buffers wait in the pool (for tests).</summary>
    internal static int Pooled
    {
        get { lock (Free) return Free.Values.Sum(stack => stack.Count); }
    }

    public static void Return(Tensor buffer)
    {
        lock (Free)
        {
            if (!Free.TryGetValue(buffer.Shape, out var stack)) Free[buffer.Shape] = stack = new Stack<Tensor>();
            stack.Push(buffer);
        }
    }
}
