using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Training;

/// <summary>Argument checks shared by the losses; messages name the parameter, the value or shape seen, and what was expected.</summary>
internal static class LossArguments
{
    /// <summary>The common checks of <see cref="ILoss.Compute"/>: no null, no NaN in the prediction, gradient shaped like it.</summary>
    public static void PredictionAndGradient(Tensor prediction, Tensor target, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        Require.SameShape(gradient, prediction, nameof(gradient), nameof(prediction));
        NoNaN(prediction, nameof(prediction));
    }

    /// <summary>One vectorized pass: IndexOfMax returns the first NaN if there is one.</summary>
    public static void NoNaN(Tensor tensor, string name)
    {
        ReadOnlySpan<float> values = tensor.Span;
        int at = TensorPrimitives.IndexOfMax(values);
        if (float.IsNaN(values[at]))
            throw new ArgumentException($"{name}{Position(tensor.Shape, at)} is NaN ({name} has shape {tensor.Shape}).", name);
    }

    /// <summary>Every value of <paramref name="tensor"/> lies in [0, 1] (NaN does not).</summary>
    public static void Probabilities(Tensor tensor, string name)
    {
        float min = TensorPrimitives.Min(tensor.Span), max = TensorPrimitives.Max(tensor.Span);
        if (!(min >= 0f && max <= 1f))
            throw new ArgumentException($"{name} values must lie in [0, 1]; they range over [{min}, {max}].", name);
    }

    /// <summary>
    /// Checks a segmentation loss's arguments: logits [N, C, H, W], class indices [N, H, W] and a gradient of the logits'
    /// shape; returns N, C and the pixels per image.
    /// </summary>
    public static (int Images, int Classes, int Plane) PixelTargets(Tensor prediction, Tensor target, Tensor gradient)
    {
        PredictionAndGradient(prediction, target, gradient);
        Require.Rank(prediction, 4, nameof(prediction));
        int n = prediction.Shape[0];
        Require.Shape(target, new TensorShape(n, prediction.Shape[2], prediction.Shape[3]), nameof(target));
        return (n, prediction.Shape[1], prediction.Shape.SizeFrom(2));
    }

    /// <summary>The class index at flat position <paramref name="at"/> of a pixel target, or −1 for a pixel whose target is <paramref name="ignoreIndex"/>.</summary>
    public static int ClassOrIgnored(Tensor target, int at, int classes, int? ignoreIndex) =>
        target.Span[at] == ignoreIndex ? -1 : ClassIndex(target, at, classes, nameof(target));

    /// <summary>The class index stored as a float at flat position <paramref name="at"/> of <paramref name="target"/>.</summary>
    public static int ClassIndex(Tensor target, int at, int classes, string name)
    {
        float value = target.Span[at];
        if (!(value >= 0f && value < classes && value == MathF.Floor(value)))
            throw new ArgumentException(
                $"{name}{Position(target.Shape, at)} is {value}; a class index must be an integer in [0, {classes}) (C = {classes}).",
                name);
        return (int)value;
    }

    /// <summary>Per-class weights given at construction: finite and non-negative.</summary>
    public static float[]? Weights(float[]? weights, string name)
    {
        if (weights is null) return null;
        if (weights.Length == 0)
            throw new ArgumentException($"{name} must not be empty.", name);
        for (int c = 0; c < weights.Length; c++)
            if (!(float.IsFinite(weights[c]) && weights[c] >= 0f))
                throw new ArgumentException($"{name}[{c}] is {weights[c]}; weights must be finite and non-negative.", name);
        return (float[])weights.Clone();
    }

    /// <summary>The weights, if any, have one entry per class of <paramref name="prediction"/> (axis <paramref name="axis"/>).</summary>
    public static void WeightsMatch(float[]? weights, Tensor prediction, int axis, string name)
    {
        if (weights is not null && weights.Length != prediction.Shape[axis])
            throw new ArgumentException(
                $"{name} has {weights.Length} entries but prediction of shape {prediction.Shape} has {prediction.Shape[axis]} " +
                $"classes on axis {axis}.", name);
    }

    /// <summary>A finite number at least <paramref name="min"/>.</summary>
    public static float AtLeast(float value, float min, string name)
    {
        if (!(float.IsFinite(value) && value >= min))
            throw new ArgumentException($"{name} must be a finite number ≥ {min}; {value} was given.", name);
        return value;
    }

    /// <summary>"[n, c]": the multi-index of flat position <paramref name="at"/> in <paramref name="shape"/>.</summary>
    private static string Position(TensorShape shape, int at)
    {
        var index = new int[shape.Rank];
        for (int axis = shape.Rank - 1; axis >= 0; axis--)
        {
            index[axis] = at % shape[axis];
            at /= shape[axis];
        }
        return TensorShape.Format(index);
    }
}
