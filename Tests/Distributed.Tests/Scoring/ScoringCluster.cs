using Orleans.TestingHost;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

/// <summary>An in-process cluster of silos on loopback (Orleans' InProcessTestCluster), Silos[0] the primary.</summary>
internal static class ScoringCluster
{
    public static async Task<InProcessTestCluster> StartAsync(int silos)
    {
        var cluster = new InProcessTestClusterBuilder((short)silos).Build();
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
