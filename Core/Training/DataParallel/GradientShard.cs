using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// One worker's share of a data-parallel step: the gradient of the mean loss of the global batch over the worker's
/// images, i.e. the gradient of the mean over its slice scaled by (slice images / global batch images), as one flat
/// vector of every parameter's gradient in network order (<see cref="Layer.AllParameters"/>); and the sum of its images'
/// losses. The shards of all the workers summed (<see cref="Sum"/>) are the gradient and loss of the whole global batch.
/// </summary>
/// <param name="Gradient">∂(mean loss of the global batch)/∂parameters from this worker's images, parameters in network order.</param>
/// <param name="LossSum">The sum of the per-image losses of this worker's images.</param>
/// <param name="Images">How many images the worker computed.</param>
public sealed record GradientShard(float[] Gradient, double LossSum, int Images)
{
    /// <summary>
    /// The shards summed in the order given (worker order): the first's gradient, then each next one added element by
    /// element. The order is fixed, so the sum is the same, to the bit, whichever worker answered first.
    /// </summary>
    public static GradientShard Sum(IReadOnlyList<GradientShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw new ArgumentException("There are no gradient shards to sum.", nameof(shards));
        int length = shards[0].Gradient.Length;
        var sum = new float[length];
        double lossSum = 0;
        int images = 0;
        for (int w = 0; w < shards.Count; w++)
        {
            if (shards[w].Gradient.Length != length)
                throw new ArgumentException($"Shard {w} holds {shards[w].Gradient.Length} gradient values; shard 0 holds {length}.", nameof(shards));
            TensorPrimitives.Add(sum, shards[w].Gradient, sum);
            lossSum += shards[w].LossSum;
            images += shards[w].Images;
        }
        return new GradientShard(sum, lossSum, images);
    }

    /// <summary>The values of all the gradients of <paramref name="parameters"/> together.</summary>
    public static int LengthOf(IReadOnlyList<Parameter> parameters) => checked((int)parameters.Sum(p => (long)p.Value.Length));

    /// <summary>Every parameter's <see cref="Parameter.Gradient"/> times <paramref name="scale"/>, one after the other, into <paramref name="flat"/>.</summary>
    internal static void Flatten(IReadOnlyList<Parameter> parameters, float scale, Span<float> flat)
    {
        int at = 0;
        foreach (var p in parameters)
        {
            TensorPrimitives.Multiply(p.Gradient.Span, scale, flat.Slice(at, p.Gradient.Length));
            at += p.Gradient.Length;
        }
    }

    /// <summary>The flat gradient back into every parameter's <see cref="Parameter.Gradient"/>, in the order of <see cref="Flatten"/>.</summary>
    internal static void Unflatten(ReadOnlySpan<float> flat, IReadOnlyList<Parameter> parameters)
    {
        int at = 0;
        foreach (var p in parameters)
        {
            flat.Slice(at, p.Gradient.Length).CopyTo(p.Gradient.Span);
            at += p.Gradient.Length;
        }
    }
}
