using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Pins which path <see cref="Conv2d"/> takes, and how many images a chunk of the batch-folded path may hold,
/// until disposed: the tests run every case through each path, whatever the dispatch rule would pick.
/// </summary>
internal sealed class ConvPath : IDisposable
{
    private readonly bool? _savedFold = Conv2d.FoldBatchOverride;
    private readonly long _savedBudget = ConvWorkPlan.ColumnBufferBytes;

    private ConvPath(bool fold, long columnBufferBytes)
    {
        Conv2d.FoldBatchOverride = fold;
        ConvWorkPlan.ColumnBufferBytes = columnBufferBytes;
    }

    /// <summary>The configurations every case runs in: name, fold or not, and images per chunk (0: as many as the default budget allows).</summary>
    public static readonly (string Name, bool Fold, int ImagesPerChunk)[] All =
    [
        ("batch folded, whole batch per chunk", true, 0),
        ("batch folded, chunks of two images", true, 2),
        ("per image (col2im in chunks of two where the input gradient has no other path)", false, 2),
    ];

    /// <summary>Pins <paramref name="fold"/> and a column budget of <paramref name="imagesPerChunk"/> images of <paramref name="g"/> (0: the default budget).</summary>
    public static ConvPath Pin(Conv2dGeometry g, bool fold, int imagesPerChunk) =>
        new(fold, imagesPerChunk == 0 ? ConvWorkPlan.DefaultColumnBufferBytes
            : imagesPerChunk * sizeof(float) * (long)(g.PatchSize + g.OutChannelsPerGroup) * g.OutHeight * g.OutWidth);

    public void Dispose()
    {
        Conv2d.FoldBatchOverride = _savedFold;
        ConvWorkPlan.ColumnBufferBytes = _savedBudget;
    }
}
