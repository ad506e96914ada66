using MLNet.Cnn.Distributed.Scoring;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

/// <summary>An in-process cluster of silos on loopback (Orleans' InProcessTestCluster), Silos[0] the primary.</summary>
internal static class ScoringCluster
{
    /// <param name="leaseDelay">
    /// When given, every shard lease the coordinator grants waits this long first (an incoming grain call filter): a run
    /// then lasts long enough for a test to crash the cluster mid-way, however fast the machine scores.
    /// </param>
    public static async Task<InProcessTestCluster> StartAsync(int silos, TimeSpan? leaseDelay = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        if (leaseDelay is { } delay)
            builder.ConfigureSilo((_, silo) => silo.AddIncomingGrainCallFilter(async call =>
            {
                if (call.InterfaceMethod.Name == nameof(IScoringCoordinatorGrain.LeaseAsync)) await Task.Delay(delay);
                await call.Invoke();
            }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>A grain factory that fails any call: for checks that must refuse a job before touching the cluster.</summary>
public class NoCluster : System.Reflection.DispatchProxy
{
    /// <summary>A proxy of <see cref="IGrainFactory"/> whose every member throws.</summary>
    public static IGrainFactory Create() => Create<IGrainFactory, NoCluster>();

    /// <inheritdoc/>
    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
        throw new AssertFailedException($"The cluster was used ({targetMethod?.Name}) although the job should have been refused first.");
}
