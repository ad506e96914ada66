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
}
