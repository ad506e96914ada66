using Microsoft.Extensions.Options;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// <see cref="IDataParallelWorker"/> over a <see cref="DataParallelReplica"/>. The replica lives in memory only: a worker
/// whose silo died comes back empty elsewhere, and the coordinator starts every worker again from the last checkpoint.
/// Requests are handled one at a time (a grain is single-threaded), each running the core's kernels on the silo's cores.
/// The job's named augmentation and optimizer come from the silo's <see cref="TrainingComponents"/>.
/// </summary>
[OneWorkerPerSiloPlacement]
internal sealed class DataParallelWorker(IOptions<TrainingComponents> components) : Grain, IDataParallelWorker
{
    private DataParallelReplica? _replica;
    private int _workers;

    public Task<int> Start(DataParallelJob job, int workers)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        var options = components.Value.OptionsFor(job);
        var model = ModelFile.Load(new MemoryStream(job.Model), "the job's model");
        _replica = new DataParallelReplica(model.Network, job.Data, options);
        _workers = workers;
        if (job.CheckpointDirectory is not null) _replica.Resume();
        return Task.FromResult(_replica.Step);
    }

    public Task<GradientMessage> Gradients(int step)
    {
        var replica = Replica;
        var (start, end) = DataParallelPlan.Slice(replica.Plan.BatchLength(step), (int)this.GetPrimaryKeyLong(), _workers);
        return Task.FromResult(GradientMessage.Of(replica.Gradients(step, start, end)));
    }

    public Task Apply(GradientMessage sum)
    {
        ArgumentNullException.ThrowIfNull(sum);
        Replica.Apply(sum.ToShard());
        return Task.CompletedTask;
    }

    public Task SaveCheckpoint()
    {
        Replica.SaveCheckpoint();
        return Task.CompletedTask;
    }

    public Task<float[]> Weights() => Task.FromResult<float[]>([.. Replica.Network.AllParameters().SelectMany(p => p.Value.ToArray())]);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress?.ToString() ?? "");

    private DataParallelReplica Replica => _replica ??
        throw new InvalidOperationException($"Worker {this.GetPrimaryKeyLong()} holds no replica: it was not started, or it came back after its silo failed.");
}
