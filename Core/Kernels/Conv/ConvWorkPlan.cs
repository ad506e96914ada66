using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// How a convolution over a batch is cut into work. <see cref="PerImage"/>: one image at a time (the implicit
/// GEMM). <see cref="For"/> and <see cref="Sequential"/>: chunks of images whose column matrices sit side by side
/// in one GEMM (<see cref="BatchFoldedConv"/>), as wide as <see cref="ColumnBufferBytes"/> allows. Chunks are either
/// dealt round-robin to <see cref="Slots"/> worker slots, each running its GEMMs serially, or run one after the
/// other with the GEMM itself parallel (<see cref="ParallelGemm"/>).
/// </summary>
internal readonly record struct ConvWorkPlan(int ImagesPerChunk, int Chunks, int Slots, bool ParallelGemm)
{
    /// <summary>Chunks dealt to slots aim at this many columns: wider adds little to a GEMM's speed.</summary>
    private const int TargetColumns = 2048;

    /// <summary>
    /// A chunk gets a thread of its own only when it is at least this many columns wide: each slot's GEMM packs
    /// all the weights again for each of its chunks, where threads splitting one GEMM pack a share each; for
    /// narrow chunks (small maps with hundreds of channels) that packing would outweigh the multiply-adds.
    /// </summary>
    private const int MinColumnsPerSlot = 1024;

    /// <summary>
    /// What the column buffers of one chunk may take (the im2col matrix and the GEMM's other wide operand),
    /// 8 MiB: the GEMM of each chunk packs the weights (9.4 MB for a 512-channel 3×3 layer) once more, so the
    /// budget trades memory for packing. On those layers 2–4 MiB chunks were 10–30 % slower than 8 MiB ones,
    /// 16–64 MiB 0–20 % faster. Settable so tests can force chunks of one or two images.
    /// </summary>
    internal static long ColumnBufferBytes { get; set; } = DefaultColumnBufferBytes;

    internal const long DefaultColumnBufferBytes = 8L << 20;

    /// <summary>Images per chunk whose buffers of bufferRows × (images·columnsPerImage) floats fit <see cref="ColumnBufferBytes"/> (at least 1).</summary>
    public static int ImagesWithinBudget(int batch, int columnsPerImage, int bufferRows) =>
        (int)Math.Clamp(ColumnBufferBytes / sizeof(float) / Math.Max(1L, (long)bufferRows * columnsPerImage), 1, batch);

    /// <summary>
    /// Chunks for forward or input-gradient GEMMs (whose results do not depend on how the batch is cut): at
    /// least one chunk per thread, each about <see cref="TargetColumns"/> wide within the budget, when that
    /// leaves every chunk <see cref="MinColumnsPerSlot"/> wide; else <see cref="Sequential"/> chunks with a parallel GEMM.
    /// </summary>
    public static ConvWorkPlan For(int batch, int columnsPerImage, int bufferRows)
    {
        int threads = CnnParallel.Threads;
        if (threads > 1 && batch >= threads)
        {
            int wide = Math.Min(ImagesWithinBudget(batch, columnsPerImage, bufferRows), Math.Max(1, TargetColumns / columnsPerImage));
            int wanted = Math.Max(threads, (batch + wide - 1) / wide);
            wanted = Math.Min(batch, (wanted + threads - 1) / threads * threads);
            int perChunk = (batch + wanted - 1) / wanted;
            int chunks = (batch + perChunk - 1) / perChunk;
            if (chunks >= threads && (long)perChunk * columnsPerImage >= MinColumnsPerSlot)
                return new ConvWorkPlan(perChunk, chunks, threads, ParallelGemm: false);
        }
        return Sequential(batch, columnsPerImage, bufferRows);
    }

    /// <summary>
    /// As few chunks as <see cref="ImagesWithinBudget"/> allows, of equal size but the last, one after the other,
    /// the GEMM parallel: the cut depends on the shape alone, never on the thread count, so a sum over the chunks
    /// (the weight gradient) has one order.
    /// </summary>
    public static ConvWorkPlan Sequential(int batch, int columnsPerImage, int bufferRows)
    {
        int fit = ImagesWithinBudget(batch, columnsPerImage, bufferRows), fewest = (batch + fit - 1) / fit;
        int perChunk = (batch + fewest - 1) / fewest;
        return new ConvWorkPlan(perChunk, (batch + perChunk - 1) / perChunk, 1, ParallelGemm: CnnParallel.Threads > 1);
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

    /// <summary>body(i) for i &lt; count (images or channels of a chunk): over the threads when the chunks run one after the other, else inline (the slots are already parallel).</summary>
    public void ForEach(int count, Action<int> body)
    {
        if (ParallelGemm) CnnParallel.For(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
