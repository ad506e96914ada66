using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Training;

/// <summary>Samples held as two flat arrays, images [count, C, H, W] and targets [count, …] of a layout of any kind (tests only).</summary>
internal sealed class TensorSource(SampleLayout layout, float[] images, float[] targets) : IBatchSource
{
    public int Count => images.Length / layout.ImageSize;

    public SampleLayout Layout => layout;

    public void Gather(ReadOnlySpan<int> indices, Tensor imageBatch, Tensor targetBatch)
    {
        Assert.AreEqual(layout.ImageShape(indices.Length), imageBatch.Shape);
        Assert.AreEqual(layout.TargetShape(indices.Length), targetBatch.Shape);
        int size = layout.ImageSize, row = targets.Length / Count;
        for (int i = 0; i < indices.Length; i++)
        {
            images.AsSpan(indices[i] * size, size).CopyTo(imageBatch.Span.Slice(i * size, size));
            targets.AsSpan(indices[i] * row, row).CopyTo(targetBatch.Span.Slice(i * row, row));
        }
    }
}
