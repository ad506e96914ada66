namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// A data-parallel worker: worker k (the grain's integer key) of N holds a replica of the network and computes the gradient
/// of its slice of every global batch. Worker k is placed on silo k mod (silos) (<see cref="OneWorkerPerSiloPlacement"/>).
/// </summary>
public interface IDataParallelWorker : IGrainWithIntegerKey
{
    /// <summary>
    /// Builds the replica of <paramref name="job"/> afresh (whatever the grain held before) as worker of
    /// <paramref name="workers"/>, set back to the newest checkpoint of the job's folder if there is one; returns the step it stands at.
    /// </summary>
    Task<int> Start(DataParallelJob job, int workers);

    /// <summary>This worker's share of the gradient of <paramref name="step"/>'s global batch.</summary>
    Task<GradientMessage> Gradients(int step);

    /// <summary>Steps the optimizer with the summed gradient of all the workers.</summary>
    Task Apply(GradientMessage sum);

    /// <summary>Writes the replica's state to the job's checkpoint folder.</summary>
    Task SaveCheckpoint();

    /// <summary>The replica's parameters, flat, in network order.</summary>
    Task<float[]> Weights();

    /// <summary>The address of the silo the worker runs on.</summary>
    Task<string> Silo();
}
