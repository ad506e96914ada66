namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>Where a batch-scoring run stands: shards committed and, per silo, images scored and the silo's rate.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoringProgress
{
    /// <summary>The images in the manifest.</summary>
    [Id(0)] public required int TotalImages { get; init; }

    /// <summary>The shards of the manifest.</summary>
    [Id(1)] public required int TotalShards { get; init; }

    /// <summary>The shards committed, by this run or an earlier one (resume).</summary>
    [Id(2)] public required int CommittedShards { get; init; }

    /// <summary>The images in committed shards.</summary>
    [Id(3)] public required int CommittedImages { get; init; }

    /// <summary>Images scored by each silo in this run (shards committed before it, on resume, count for none).</summary>
    [Id(4)] public required IReadOnlyList<SiloThroughput> Silos { get; init; }

    /// <summary>Why the run failed (a bad image, a model that does not load), or null.</summary>
    [Id(5)] public string? Error { get; init; }

    /// <summary>Whether every shard is committed.</summary>
    public bool IsComplete => CommittedShards == TotalShards;
}

/// <summary>One silo's share of a run.</summary>
/// <param name="Silo">The silo's address.</param>
/// <param name="Images">Images it scored and committed.</param>
/// <param name="ImagesPerSecond">Its rate: <paramref name="Images"/> over the seconds its worker spent scoring them.</param>
[GenerateSerializer, Immutable]
public sealed record SiloThroughput([property: Id(0)] string Silo, [property: Id(1)] int Images, [property: Id(2)] double ImagesPerSecond);
