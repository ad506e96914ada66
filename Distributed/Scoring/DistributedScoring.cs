using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// Batch scoring on an Orleans cluster: the manifest is cut into shards, a worker grain on every silo leases shards from a
/// coordinator grain, scores them and commits each as a part file; the parts become one CSV in manifest order. A run
/// survives the loss of silos (expired leases are handed out again) and of the whole cluster (a new run over the same
/// manifest and output scores only the shards without a part). The grains are found by Orleans in this assembly: a silo
/// that references MLNet.Cnn.Distributed needs no registration. Silos and client must see the model, the images and the
/// output at the same paths.
/// </summary>
public static class DistributedScoring
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250), WorkerRefresh = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Scores <paramref name="job"/>'s images on the cluster behind <paramref name="grains"/> (an <c>IClusterClient</c> or a
    /// silo's <c>IGrainFactory</c>) and writes <see cref="ScoringJob.OutputPath"/>; returns the final progress.
    /// </summary>
    /// <param name="grains">The cluster.</param>
    /// <param name="job">The images, the model and the output.</param>
    /// <param name="progress">Told the progress a few times a second (committed shards, images per silo and images/s).</param>
    /// <param name="cancellationToken">Stops the run; committed parts stay and a later run resumes from them.</param>
    /// <exception cref="ArgumentException">The manifest is empty, the shard size or lease timeout is not positive, or the model is neither a .zip nor an .onnx file.</exception>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">A worker could not score an image or load the model; the message names the file.</exception>
    /// <exception cref="InvalidOperationException">The output's parts folder belongs to another manifest or shard size.</exception>
    /// <exception cref="OrleansException">The cluster stayed unreachable for <see cref="ScoringJob.UnreachableTimeout"/>; a later run resumes.</exception>
    public static async Task<ScoringProgress> RunAsync(IGrainFactory grains, ScoringJob job, IProgress<ScoringProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var shardJob = Prepare(job);
        var coordinator = grains.GetGrain<IScoringCoordinatorGrain>(shardJob.OutputPath);
        var nextWorkerRefresh = DateTime.MinValue;
        DateTime? unreachableSince = null;
        try
        {
            while (true)
            {
                ScoringProgress state;
                try
                {
                    if (DateTime.UtcNow >= nextWorkerRefresh)
                    {
                        await StartWorkersAsync(grains, shardJob);
                        nextWorkerRefresh = DateTime.UtcNow + WorkerRefresh;
                    }
                    state = await coordinator.ProgressAsync(shardJob);
                    unreachableSince = null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The coordinator's silo was lost: until the cluster declares it dead, calls fail; then the coordinator
                    // activates on another silo, rebuilt from the committed parts.
                    unreachableSince ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - unreachableSince > job.UnreachableTimeout) throw;
                    await Task.Delay(PollInterval, cancellationToken);
                    continue;
                }
                progress?.Report(state);
                if (state.Error is not null)
                    throw new InvalidDataException(state.Error);
                if (state.IsComplete)
                {
                    new ShardFiles(shardJob.OutputPath).WriteOutput(shardJob.ShardCount);
                    return state;
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        finally
        {
            // Workers stop at their next lease; a coordinator that cannot be reached has no workers to stop.
            try { await coordinator.StopAsync(shardJob); }
            catch (Exception e) when (e is not OperationCanceledException) { }
        }
    }

    /// <summary>Checks the job, writes (or checks, on resume) the manifest file, and gives the job the grains receive.</summary>
    private static ShardJob Prepare(ScoringJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Manifest.Paths.Count == 0)
            throw new ArgumentException($"The manifest ({job.Manifest.Source}) has no images; nothing to score.", nameof(job));
        if (job.ShardSize <= 0)
            throw new ArgumentException($"ShardSize is {job.ShardSize}; expected a positive number of images.", nameof(job));
        if (job.LeaseTimeout <= TimeSpan.Zero || job.UnreachableTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"LeaseTimeout is {job.LeaseTimeout} and UnreachableTimeout {job.UnreachableTimeout}; expected positive durations.", nameof(job));
        string model = Path.GetFullPath(job.ModelPath);
        if (!ImageScorers.IsKnown(model))
            throw new ArgumentException($"The model '{model}' has the extension '{Path.GetExtension(model)}'; expected {ImageScorers.Expected}.", nameof(job));
        if (!File.Exists(model))
            throw new FileNotFoundException($"The model '{model}' does not exist; expected {ImageScorers.Expected}.", model);
        var files = new ShardFiles(job.OutputPath);
        files.WriteOrCheckManifest(job.Manifest, job.ShardSize);
        return new ShardJob(Guid.NewGuid(), model, files.OutputPath, job.ShardSize, job.Manifest.Paths.Count, job.LeaseTimeout);
    }

    /// <summary>
    /// Starts (or keeps alive) a worker on every active silo, each placed by a placement hint on the silo its key names;
    /// silos that join later get one at the next refresh.
    /// </summary>
    private static async Task StartWorkersAsync(IGrainFactory grains, ShardJob job)
    {
        var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var starts = silos.Keys.Select(silo =>
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            try { return grains.GetGrain<IScoringWorkerGrain>($"{job.OutputPath}|{silo}").StartAsync(job); }
            finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
        }).ToArray();
        try { await Task.WhenAll(starts); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A silo that just died is still listed until the cluster declares it dead; the other workers go on, and the
            // coordinator's progress, not this call, says whether the run advances.
        }
    }
}
