using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Pins which path <see cref="Conv2d"/> takes, and how many images a chunk of the batch-folded path may hold,
/// until disposed: the tests run every case through each path, whatever the dispatch rule would pick.
/// </summary>
internal sealed class ConvPath : IDisposable
{
    private readonly bool? _savedFold = Conv2d.FoldBatchOverride;
    private readonly bool? _savedDirect = Conv2d.DirectOverride;
    private readonly long _savedBudget = ConvWorkPlan.ColumnBufferBytes;

    private ConvPath(bool fold, bool direct, long columnBufferBytes)
    {
        Conv2d.FoldBatchOverride = fold;
        Conv2d.DirectOverride = direct;
        ConvWorkPlan.ColumnBufferBytes = columnBufferBytes;
    }

    /// <summary>
    /// The configurations every case runs in: name, fold or not, direct forward or not (where it applies: one group, a vector
    /// kernel family) and images per chunk (0: as many as the default budget allows).
    /// </summary>
    public static readonly (string Name, bool Fold, bool Direct, int ImagesPerChunk)[] All =
    [
        ("batch folded, whole batch per chunk", true, false, 0),
        ("batch folded, chunks of two images", true, false, 2),
        ("per image (col2im in chunks of two where the input gradient has no other path)", false, false, 2),
        ("direct forward, channels in lanes (backward per image)", false, true, 0),
    ];

    /// <summary>Pins <paramref name="fold"/>, <paramref name="direct"/> and a column budget of <paramref name="imagesPerChunk"/> images of <paramref name="g"/> (0: the default budget).</summary>
    public static ConvPath Pin(Conv2dGeometry g, bool fold, bool direct, int imagesPerChunk) =>
        new(fold, direct, imagesPerChunk == 0 ? ConvWorkPlan.DefaultColumnBufferBytes
            : imagesPerChunk * sizeof(float) * (long)(g.PatchSize + g.OutChannelsPerGroup) * g.OutHeight * g.OutWidth);

    public void Dispose()
    {
        Conv2d.FoldBatchOverride = _savedFold;
        Conv2d.DirectOverride = _savedDirect;
        ConvWorkPlan.ColumnBufferBytes = _savedBudget;
    }
}
