namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// Hands out a run's shards as leases and records their commits; one per output file (the key is its full path). Its
/// state is rebuilt from the parts on disk whenever it (re)activates, so losing the silo that hosts it loses only leases,
/// which expire anyway. Every call carries the job so that a fresh activation can rebuild itself.
/// </summary>
internal interface IScoringCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>The next shard for <paramref name="silo"/>'s worker: an uncommitted shard with no live lease, else Wait or Done.</summary>
    Task<ShardLease> LeaseAsync(ShardJob job, string silo);

    /// <summary>Records that <paramref name="silo"/> committed <paramref name="shard"/> (a second commit of a shard counts for nothing).</summary>
    Task CommitAsync(ShardJob job, int shard, string silo, double seconds);

    /// <summary>Fails the run: no more leases; the progress carries <paramref name="error"/>.</summary>
    Task FailAsync(ShardJob job, string error);

    /// <summary>The run's progress.</summary>
    Task<ScoringProgress> ProgressAsync(ShardJob job);

    /// <summary>Ends the run: no more leases (a cancelled or finished run).</summary>
    Task StopAsync(ShardJob job);
}

/// <summary>Scores leased shards on the silo it lives on until the coordinator has none left; one per silo and output.</summary>
internal interface IScoringWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts the lease–score–commit loop for <paramref name="job"/> in the background; does nothing when it already runs.</summary>
    Task StartAsync(ShardJob job);
}
