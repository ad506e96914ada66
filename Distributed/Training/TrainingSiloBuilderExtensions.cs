using Microsoft.Extensions.DependencyInjection;
using MLNet.Cnn.Distributed.Training;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Sets silos and clients up for data-parallel training.</summary>
public static class TrainingSiloBuilderExtensions
{
    /// <summary>
    /// Registers the placement of the data-parallel workers (<see cref="OneWorkerPerSiloStrategy"/>) and lets messages carry
    /// a whole gradient (<see cref="GradientMessaging"/>); call it on every silo. <paramref name="components"/> registers
    /// the augmentations and optimizers that jobs name (<see cref="TrainingComponents"/>), the same on every silo; they
    /// can also be registered with <c>services.Configure&lt;TrainingComponents&gt;(…)</c>.
    /// </summary>
    public static ISiloBuilder AddDataParallelTraining(this ISiloBuilder builder, Action<TrainingComponents>? components = null)
    {
        if (components is not null) builder.Services.Configure(components);
        return builder.Configure<SiloMessagingOptions>(GradientMessaging.Configure)
            .AddPlacementDirector<OneWorkerPerSiloStrategy, OneWorkerPerSiloDirector>();
    }

    /// <summary>Lets the client that runs the <see cref="DataParallelCoordinator"/> send and receive whole gradients.</summary>
    public static IClientBuilder AddDataParallelTraining(this IClientBuilder builder) =>
        builder.Configure<ClientMessagingOptions>(GradientMessaging.Configure);
}
