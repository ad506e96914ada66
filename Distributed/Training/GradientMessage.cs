using MLNet.Cnn.Training;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>A <see cref="GradientShard"/> on the wire: a worker's share of a step's gradient, or the sum of all the shares.</summary>
/// <param name="Gradient">The flat gradient, parameters in network order.</param>
/// <param name="LossSum">The sum of the images' losses.</param>
/// <param name="Images">The images it covers.</param>
[GenerateSerializer, Immutable]
public sealed record GradientMessage([property: Id(0)] float[] Gradient, [property: Id(1)] double LossSum, [property: Id(2)] int Images)
{
    /// <summary>The message of a shard.</summary>
    public static GradientMessage Of(GradientShard shard) => new(shard.Gradient, shard.LossSum, shard.Images);

    /// <summary>The shard the message carries.</summary>
    public GradientShard ToShard() => new(Gradient, LossSum, Images);
}
