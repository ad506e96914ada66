namespace MLNet.Cnn.Distributed.Scoring;

/// <inheritdoc cref="IScoringCoordinatorGrain"/>
internal sealed class ScoringCoordinatorGrain : Grain, IScoringCoordinatorGrain
{
    private ShardJob? _job;
    private bool[] _committed = [];
    private readonly Dictionary<int, DateTime> _leaseExpiry = [];
    private readonly Dictionary<string, (int Images, double Seconds)> _bySilo = [];
    private string? _error;
    private bool _stopped;

    public Task<ShardLease> LeaseAsync(ShardJob job, string silo)
    {
        if (!IsCurrent(job) || _stopped || _error is not null || _committed.All(c => c))
            return Task.FromResult(new ShardLease(LeaseKind.Done, -1));
        var now = DateTime.UtcNow;
        for (int k = 0; k < _committed.Length; k++)
        {
            if (_committed[k] || (_leaseExpiry.TryGetValue(k, out var expiry) && expiry > now)) continue;
            _leaseExpiry[k] = now + job.LeaseTimeout;
            return Task.FromResult(new ShardLease(LeaseKind.Shard, k));
        }
        return Task.FromResult(new ShardLease(LeaseKind.Wait, -1));
    }

    public Task CommitAsync(ShardJob job, int shard, string silo, double seconds)
    {
        if (IsCurrent(job) && !_committed[shard])
        {
            _committed[shard] = true;
            _leaseExpiry.Remove(shard);
            var (images, busy) = _bySilo.GetValueOrDefault(silo);
            _bySilo[silo] = (images + job.ImagesOf(shard).GetOffsetAndLength(job.ImageCount).Length, busy + seconds);
        }
        return Task.CompletedTask;
    }

    public Task FailAsync(ShardJob job, string error)
    {
        if (IsCurrent(job)) _error ??= error;
        return Task.CompletedTask;
    }

    public Task<ScoringProgress> ProgressAsync(ShardJob job)
    {
        IsCurrent(job, fromDriver: true);
        int committedImages = Enumerable.Range(0, _committed.Length).Where(k => _committed[k])
            .Sum(k => job.ImagesOf(k).GetOffsetAndLength(job.ImageCount).Length);
        return Task.FromResult(new ScoringProgress
        {
            TotalImages = job.ImageCount,
            TotalShards = job.ShardCount,
            CommittedShards = _committed.Count(c => c),
            CommittedImages = committedImages,
            Silos = _bySilo.OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new SiloThroughput(s.Key, s.Value.Images, s.Value.Seconds > 0 ? s.Value.Images / s.Value.Seconds : 0)).ToArray(),
            Error = _error,
        });
    }

    public Task StopAsync(ShardJob job)
    {
        if (IsCurrent(job, fromDriver: true)) _stopped = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether <paramref name="job"/> is the run this activation coordinates. The first job a fresh activation sees sets
    /// its state from the parts committed on disk; so does a new run announced by the driver (<paramref name="fromDriver"/>).
    /// A worker of another run is refused: only the driver knows which run is the newer.
    /// </summary>
    private bool IsCurrent(ShardJob job, bool fromDriver = false)
    {
        if (_job?.RunId == job.RunId) return true;
        if (_job is not null && !fromDriver) return false;
        _job = job;
        _committed = new bool[job.ShardCount];
        foreach (int k in new ShardFiles(job.OutputPath).CommittedShards())
            if (k < _committed.Length) _committed[k] = true;
        _leaseExpiry.Clear();
        _bySilo.Clear();
        (_error, _stopped) = (null, false);
        return true;
    }
}
