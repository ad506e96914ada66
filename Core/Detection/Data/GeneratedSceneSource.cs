using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Scenes 0 … count − 1 of a <see cref="SceneGenerator"/> read as an <see cref="IBatchSource"/> without holding them: each
/// <see cref="Gather"/> renders the scenes it is asked for (in parallel) and reads them through the in-memory source that
/// <paramref name="sourceOf"/> makes of them, so the targets are exactly those of a <see cref="SceneSet"/> of the same scenes.
/// </summary>
internal sealed class GeneratedSceneSource(SceneGenerator generator, int count, SampleLayout layout, Func<SceneSet, IBatchSource> sourceOf)
    : IBatchSource
{
    public int Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), $"A source needs at least one scene; {count} was asked for.");

    public SampleLayout Layout => layout;

    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        foreach (int index in indices)
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Scene {index} is outside 0 … {Count - 1}.");
        var scenes = sourceOf(generator.GenerateSet(indices.ToArray()));
        scenes.Gather(Enumerable.Range(0, indices.Length).ToArray(), images, targets);
    }
}
