namespace MLNet.Cnn.Tensors;

/// <summary>Argument checks whose messages name the parameter and the shapes seen and expected.</summary>
internal static class Require
{
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentException($"{name} must be positive; {value} was given.", name);
    }

    public static void NonNegative(int value, string name)
    {
        if (value < 0)
            throw new ArgumentException($"{name} must not be negative; {value} was given.", name);
    }

    public static void Rank(Tensor tensor, int rank, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Shape.Rank != rank)
            throw new ArgumentException(
                $"{name} must have rank {rank}; its shape is {tensor.Shape}.", name);
    }

    public static void Shape(Tensor tensor, TensorShape expected, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Shape != expected)
            throw new ArgumentException($"{name} has shape {tensor.Shape}; expected {expected}.", name);
    }

    public static void SameShape(Tensor tensor, Tensor reference, string name, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Shape != reference.Shape)
            throw new ArgumentException(
                $"{name} has shape {tensor.Shape}; expected the shape of {referenceName}, {reference.Shape}.", name);
    }

    /// <summary>An output must not share storage with an input of the same kernel (kernels do not run in place).</summary>
    public static unsafe void Distinct(Tensor tensor, Tensor other, string name, string otherName)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Pointer == other.Pointer)
            throw new ArgumentException($"{name} shares storage with {otherName}; the kernel needs separate tensors.", name);
    }

    /// <summary>Both tensors are [N, C, H, W] with the same N and C (H and W may differ).</summary>
    public static void SameBatchAndChannels(Tensor tensor, Tensor reference, string name, string referenceName)
    {
        Rank(tensor, 4, name);
        if (tensor.Shape[0] != reference.Shape[0] || tensor.Shape[1] != reference.Shape[1])
            throw new ArgumentException(
                $"{name} has shape {tensor.Shape}; expected [{reference.Shape[0]}, {reference.Shape[1]}, *, *] " +
                $"(N and C of {referenceName}, {reference.Shape}).", name);
    }
}
