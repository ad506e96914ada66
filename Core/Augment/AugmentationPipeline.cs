namespace MLNet.Cnn.Augment;

/// <summary>Ops applied one after the other to each sample (torchvision's <c>Compose</c>).</summary>
public sealed class AugmentationPipeline(params IReadOnlyList<IAugmentation> steps) : IAugmentation
{
    /// <summary>The ops in the order they run.</summary>
    public IReadOnlyList<IAugmentation> Steps { get; } = steps.ToArray();

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random)
    {
        foreach (var step in Steps) step.Apply(sample, random);
    }
}
