using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>Places the grain with integer key k on silo k mod (compatible silos), the silos ordered by address: one worker per silo.</summary>
[GenerateSerializer, Immutable]
public sealed class OneWorkerPerSiloStrategy : PlacementStrategy;

/// <summary>Marks a grain class for <see cref="OneWorkerPerSiloStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OneWorkerPerSiloPlacementAttribute() : PlacementAttribute(new OneWorkerPerSiloStrategy());

/// <summary>The placement director of <see cref="OneWorkerPerSiloStrategy"/>.</summary>
internal sealed class OneWorkerPerSiloDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        long key = target.GrainIdentity.GetIntegerKey();
        return Task.FromResult(silos[(int)(key % silos.Length)]);
    }
}
