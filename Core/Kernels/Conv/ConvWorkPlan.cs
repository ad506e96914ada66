using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// How a convolution over a batch is cut into work: images are grouped into chunks whose column matrices
/// are ~<see cref="TargetColumns"/> wide (small feature maps are batched side by side so the GEMM has a
/// wide N), chunks are dealt round-robin to <see cref="Slots"/> worker slots. With fewer chunks than
/// threads (e.g. batch 1) the slots run serially and the GEMM itself is parallel instead.
/// </summary>
internal readonly record struct ConvWorkPlan(int ImagesPerChunk, int Chunks, int Slots, bool ParallelGemm)
{
    private const int TargetColumns = 2048;

    public static ConvWorkPlan For(int batch, int columnsPerImage)
    {
        int threads = CnnParallel.Threads;
        long totalColumns = (long)batch * columnsPerImage;
        int wanted = (int)Math.Min(batch, Math.Max(threads, (totalColumns + TargetColumns - 1) / TargetColumns));
        wanted = Math.Min(batch, (wanted + threads - 1) / threads * threads);
        int perChunk = (batch + wanted - 1) / wanted;
        int chunks = (batch + perChunk - 1) / perChunk;
        return chunks >= threads && threads > 1
            ? new ConvWorkPlan(perChunk, chunks, threads, ParallelGemm: false)
            : new ConvWorkPlan(perChunk, chunks, 1, ParallelGemm: threads > 1);
    }

    /// <summary>One image per chunk; the GEMM goes parallel when the batch is smaller than the thread count.</summary>
    public static ConvWorkPlan PerImage(int batch)
    {
        int threads = CnnParallel.Threads;
        return batch >= threads && threads > 1
            ? new ConvWorkPlan(1, batch, threads, ParallelGemm: false)
            : new ConvWorkPlan(1, batch, 1, ParallelGemm: threads > 1);
    }

    /// <summary>Calls body(slot, firstImage, imageCount) for every chunk; one slot never runs two chunks at once.</summary>
    public void Run(int batch, Action<int, int, int> body)
    {
        var plan = this;
        CnnParallel.For(Slots, slot =>
        {
            for (int chunk = slot; chunk < plan.Chunks; chunk += plan.Slots)
            {
                int first = chunk * plan.ImagesPerChunk;
                body(slot, first, Math.Min(plan.ImagesPerChunk, batch - first));
            }
        });
    }
}
