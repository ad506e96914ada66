using MLNet.Cnn.Training;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// Runs synchronous data-parallel training over <see cref="Workers"/> worker grains (one per silo): every step it asks each
/// worker for its slice's gradient, sums the shards in worker order (<see cref="GradientShard.Sum"/>: the same sum to the
/// bit, whichever answers first), and sends the sum to every worker, which steps its optimizer. Every
/// <see cref="DataParallelJob.CheckpointEvery"/> steps worker 0 writes a checkpoint (all replicas hold the same state).
/// When a step fails (a silo died, a worker came back empty), every worker is started again from the newest checkpoint
/// and training goes on from there, up to <see cref="MaxRestarts"/> times. The coordinator runs where it is called (a
/// client or a silo), not as a grain: it holds nothing that must outlive a silo.
/// </summary>
/// <param name="grains">The cluster's grain factory (a client's or a silo's).</param>
/// <param name="job">What to train.</param>
/// <param name="workers">How many workers; worker k runs on silo k mod (silos).</param>
public sealed class DataParallelCoordinator(IGrainFactory grains, DataParallelJob job, int workers)
{
    private readonly IDataParallelWorker[] _workers = workers > 0
        ? [.. Enumerable.Range(0, workers).Select(k => grains.GetGrain<IDataParallelWorker>(k))]
        : throw new ArgumentOutOfRangeException(nameof(workers), workers, "There must be at least one worker.");

    /// <summary>The worker grains, in worker order.</summary>
    public IReadOnlyList<IDataParallelWorker> Workers => _workers;

    /// <summary>How often training may restart from a checkpoint after a failed step before the failure is thrown.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>Called after every step with the step just done (from 1) and its global batch's mean loss; tests use it to kill a silo.</summary>
    public Func<int, double, Task>? AfterStep { get; init; }

    /// <summary>The restarts from a checkpoint so far, with the failures that caused them.</summary>
    public List<Exception> Restarts { get; } = [];

    /// <summary>Trains every step of the job (resuming from the newest checkpoint of its folder, if there is one); returns the steps done.</summary>
    public async Task<int> RunAsync(CancellationToken cancellation = default)
    {
        var plan = new DataParallelPlan(job.Labels.Length, job.BatchSize, job.Epochs);
        int step = await StartAll();
        while (step < plan.TotalSteps)
        {
            cancellation.ThrowIfCancellationRequested();
            double meanLoss;
            try { meanLoss = await TrainStep(step); }
            catch (Exception e) when (e is not OperationCanceledException && job.CheckpointDirectory is not null && Restarts.Count < MaxRestarts)
            {
                Restarts.Add(e);
                step = await StartAll();
                continue;
            }
            step++;
            if (job.CheckpointDirectory is not null && step % job.CheckpointEvery == 0) await _workers[0].SaveCheckpoint();
            if (AfterStep is not null) await AfterStep(step, meanLoss);
        }
        return step;
    }

    /// <summary>Starts every worker; they must all stand at the same step (they read the same checkpoint).</summary>
    private async Task<int> StartAll()
    {
        var steps = await Task.WhenAll(_workers.Select(w => w.Start(job, _workers.Length)));
        if (steps.Distinct().Count() != 1)
            throw new InvalidOperationException($"The workers started at different steps ({string.Join(", ", steps)}): their checkpoint folder is not the same one.");
        return steps[0];
    }

    /// <summary>One step: the shards in worker order, their sum to every worker. Returns the global batch's mean loss.</summary>
    private async Task<double> TrainStep(int step)
    {
        var shards = await Task.WhenAll(_workers.Select(w => w.Gradients(step)));   // in worker order, whatever the finishing order
        var sum = GradientMessage.Of(GradientShard.Sum([.. shards.Select(s => s.ToShard())]));
        await Task.WhenAll(_workers.Select(w => w.Apply(sum)));
        return sum.LossSum / sum.Images;
    }
}
