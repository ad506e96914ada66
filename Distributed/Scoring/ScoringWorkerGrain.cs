using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MLNet.Cnn.Distributed.Scoring;

/// <inheritdoc cref="IScoringWorkerGrain"/>
internal sealed class ScoringWorkerGrain(ILocalSiloDetails localSilo, ILogger<ScoringWorkerGrain> log) : Grain, IScoringWorkerGrain
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _deactivating = new();
    private ShardJob? _job;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(ShardJob job)
    {
        if (_job?.RunId == job.RunId && !_loop.IsCompleted) return Task.CompletedTask;
        _job = job;
        // Not awaited: the loop outlives this call, running its turns on this activation (a grain call has a response timeout).
        _loop = RunAsync(job, _deactivating.Token);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _deactivating.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
    }

    /// <summary>Lease a shard, score it off the grain's scheduler, commit its part, tell the coordinator; until Done.</summary>
    private async Task RunAsync(ShardJob job, CancellationToken cancellation)
    {
        string silo = localSilo.SiloAddress.ToString();
        var coordinator = GrainFactory.GetGrain<IScoringCoordinatorGrain>(job.OutputPath);
        var files = new ShardFiles(job.OutputPath);
        IImageScorer? scorer = null;
        string[]? paths = null;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                ShardLease lease;
                try { lease = await coordinator.LeaseAsync(job, silo); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The coordinator's silo is gone: the next call activates it elsewhere, rebuilt from the committed parts.
                    log.LogWarning(e, "Scoring worker on {Silo}: the coordinator did not answer; retrying.", silo);
                    await Task.Delay(RetryDelay, cancellation);
                    continue;
                }
                if (lease.Kind == LeaseKind.Done) return;
                if (lease.Kind == LeaseKind.Wait)
                {
                    await Task.Delay(RetryDelay, cancellation);
                    continue;
                }

                double seconds;
                try
                {
                    var clock = Stopwatch.StartNew();
                    await Task.Run(() =>
                    {
                        scorer ??= ImageScorers.Load(job.ModelPath);
                        paths ??= files.ReadManifest();
                        var shard = paths[job.ImagesOf(lease.Shard)];
                        files.Commit(lease.Shard, ScoreTable.Write(scorer.ClassNames, shard, scorer.Score(shard)));
                    }, cancellation);
                    seconds = clock.Elapsed.TotalSeconds;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Bad input (a corrupt image, a model that does not load) fails the same way on every silo: fail the run.
                    await coordinator.FailAsync(job, e.Message);
                    return;
                }
                try { await coordinator.CommitAsync(job, lease.Shard, silo, seconds); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The part is on disk: a coordinator rebuilt elsewhere finds it there; a live one re-leases the shard when the
                    // lease expires, and that second commit is a no-op.
                    log.LogWarning(e, "Scoring worker on {Silo}: the commit of shard {Shard} was not acknowledged.", silo, lease.Shard);
                }
            }
        }
        finally
        {
            scorer?.Dispose();
        }
    }
}
