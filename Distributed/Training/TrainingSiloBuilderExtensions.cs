using MLNet.Cnn.Distributed.Training;

namespace Orleans.Hosting;

/// <summary>Sets a silo up for data-parallel training.</summary>
public static class TrainingSiloBuilderExtensions
{
    /// <summary>Registers the placement of the data-parallel workers (<see cref="OneWorkerPerSiloStrategy"/>); call it on every silo.</summary>
    public static ISiloBuilder AddDataParallelTraining(this ISiloBuilder builder) =>
        builder.AddPlacementDirector<OneWorkerPerSiloStrategy, OneWorkerPerSiloDirector>();
}
