using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// A <see cref="SceneSet"/> read as an <see cref="IBatchSource"/>: its images, and the targets its layout names
/// (class maps or box rows) from <paramref name="gatherTargets"/>.
/// </summary>
internal sealed class SceneSource(SceneSet set, SampleLayout layout, SceneSource.TargetGather gatherTargets) : IBatchSource
{
    /// <summary>Writes the targets of scenes indices into a tensor of <see cref="SampleLayout.TargetShape"/>(indices.Length).</summary>
    public delegate void TargetGather(ReadOnlySpan<int> indices, Tensor targets);

    public int Count => set.Count;

    public SampleLayout Layout => layout;

    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        Require.Shape(targets, layout.TargetShape(indices.Length), nameof(targets));
        set.GatherImages(indices, images);
        gatherTargets(indices, targets);
    }
}
