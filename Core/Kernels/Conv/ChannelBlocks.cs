using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Activations with the channels in the vector lanes, the layout inference keeps between the layers that run on it (the
/// NCHWc layout of oneDNN and ONNX Runtime, with the batch inside each block): <see cref="Data"/> [⌈C/L⌉, N, H, W, L],
/// channel c of image n at pixel (h, w) at (((c / L)·N + n)·H + h)·W + w)·L + c mod L. A block's pixels of all images are one
/// run, so a 1×1 convolution reads them as one long row. The lanes past C in the last block hold values nobody reads.
/// L is the lane count of the convolution kernels (16 at 512 bits, 8 at 256).
/// </summary>
internal sealed unsafe class ChannelBlocks(Tensor data, int channels)
{
    public Tensor Data { get; } = data;
    public int Channels { get; } = channels;
    public int Blocks => Data.Shape[0];
    public int Batch => Data.Shape[1];
    public int Height => Data.Shape[2];
    public int Width => Data.Shape[3];
    public int Lanes => Data.Shape[4];

    /// <summary>The NCHW shape of the same values.</summary>
    public TensorShape PlanesShape => new(Batch, Channels, Height, Width);

    /// <summary>Floats between the blocks: N·H·W·L.</summary>
    public long BlockLength => (long)Batch * Height * Width * Lanes;

    /// <summary>[⌈C/L⌉, N, H, W, L] for NCHW shape [N, C, H, W].</summary>
    public static TensorShape ShapeFor(TensorShape planes, int lanes) =>
        new((planes[1] + lanes - 1) / lanes, planes[0], planes[2], planes[3], lanes);

    /// <summary>The lanes of the current kernel family: 16 with AVX-512, 8 with AVX2; 0 without either (no channel blocks).</summary>
    public static int CurrentLanes => Gemm.DefaultKernel switch
    {
        GemmKernel.Avx512 => 16,
        GemmKernel.Avx2 => 8,
        _ => 0,
    };

    /// <summary>blocks[c / L, n, h, w, c mod L] = x[n, c, h, w]: each (block, image) plane group turned at once.</summary>
    public static void FromPlanes(Tensor planes, ChannelBlocks blocks)
    {
        Require.Shape(planes, blocks.PlanesShape, nameof(planes));
        int plane = blocks.Height * blocks.Width, lanes = blocks.Lanes, channels = blocks.Channels, batch = blocks.Batch;
        nint x = (nint)planes.Pointer, d = (nint)blocks.Data.Pointer;
        CnnParallel.For(blocks.Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            ChannelsLast.From((float*)x + ((long)n * channels + block * lanes) * plane, plane, plane, 1, plane, count,
                (float*)d + (long)unit * plane * lanes, plane, lanes);
        });
    }

    /// <summary>y[n, c, h, w] = blocks[c / L, n, h, w, c mod L].</summary>
    public void ToPlanes(Tensor planes)
    {
        Require.Shape(planes, PlanesShape, nameof(planes));
        int plane = Height * Width, lanes = Lanes, channels = Channels, batch = Batch;
        nint y = (nint)planes.Pointer, d = (nint)Data.Pointer;
        CnnParallel.For(Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            ChannelsLast.To((float*)d + (long)unit * plane * lanes, plane, 1, plane, count,
                (float*)y + ((long)n * channels + block * lanes) * plane, plane, plane, lanes);
        });
    }
}
