namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// A <see cref="ScoringJob"/> as the grains receive it: small, because the paths themselves are in the parts folder's
/// manifest file (see <see cref="ShardFiles"/>). A new run gets a new <paramref name="RunId"/>: grains left from an
/// earlier run of the same output stop when they see it.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record ShardJob(
    [property: Id(0)] Guid RunId, [property: Id(1)] string ModelPath, [property: Id(2)] string OutputPath,
    [property: Id(3)] int ShardSize, [property: Id(4)] int ImageCount, [property: Id(5)] TimeSpan LeaseTimeout)
{
    public int ShardCount => (ImageCount + ShardSize - 1) / ShardSize;

    /// <summary>Shard k's image indexes in the manifest: [k·S, min((k+1)·S, N)).</summary>
    public Range ImagesOf(int shard) => new(shard * ShardSize, Math.Min((shard + 1) * ShardSize, ImageCount));
}

/// <summary>What a worker gets when it asks for work.</summary>
internal enum LeaseKind { Shard, Wait, Done }

/// <summary>A shard to score, or <see cref="LeaseKind.Wait"/> (all remaining shards are leased) or <see cref="LeaseKind.Done"/>.</summary>
[GenerateSerializer, Immutable]
internal readonly record struct ShardLease([property: Id(0)] LeaseKind Kind, [property: Id(1)] int Shard);
