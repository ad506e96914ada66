using System.Runtime.Intrinsics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Activations with the channels in the vector lanes, the layout inference keeps between the layers that run on it (the
/// NCHWc layout of oneDNN and ONNX Runtime, with the batch inside each block): block b holds channels b·L … b·L + L − 1 of all
/// images as [N, H, W, L], channel c of image n at pixel (h, w) at (c / L)·<see cref="BlockStride"/> + ((n·H + h)·W + w)·L + c mod L.
/// A block's pixels of all images are one run, so a 1×1 convolution reads them as one long row. The blocks are
/// <see cref="BlockStride"/> floats apart: the run padded so that consecutive blocks start 13 cache lines apart modulo 4 KiB
/// (a run of N·H·W·64 bytes is often a multiple of 4 KiB, and a tile reading the same pixels of 32 blocks would then hit
/// one set of L1 32 times). <see cref="Data"/> is [⌈C/L⌉, BlockStride]. The lanes past C in the last block hold values
/// nobody reads. L is the lane count of the convolution kernels (16 at 512 bits, 8 at 256).
/// </summary>
internal sealed unsafe class ChannelBlocks
{
    /// <summary>Where consecutive blocks start modulo 4 KiB, in bytes: 13 lines, coprime with the 64 sets of a 4 KiB page.</summary>
    private const int SkewBytes = 13 * 64;

    public ChannelBlocks(Tensor data, TensorShape planes, int lanes)
    {
        Require.Shape(data, ShapeFor(planes, lanes), nameof(data));
        (Data, Batch, Channels, Height, Width, Lanes) = (data, planes[0], planes[1], planes[2], planes[3], lanes);
    }

    public Tensor Data { get; }
    public int Batch { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Lanes { get; }
    public int Blocks => Data.Shape[0];

    /// <summary>Floats between the blocks (<see cref="StrideFor"/> of N·H·W·L).</summary>
    public int BlockStride => Data.Shape[1];

    /// <summary>The NCHW shape of the same values.</summary>
    public TensorShape PlanesShape => new(Batch, Channels, Height, Width);

    /// <summary>[⌈C/L⌉, BlockStride] for NCHW shape [N, C, H, W].</summary>
    public static TensorShape ShapeFor(TensorShape planes, int lanes) =>
        new((planes[1] + lanes - 1) / lanes, StrideFor(planes[0] * planes[2] * planes[3] * lanes));

    /// <summary>The stride of blocks of <paramref name="values"/> floats: whole cache lines, then up to 4 KiB more so the stride is <see cref="SkewBytes"/> modulo 4 KiB.</summary>
    public static int StrideFor(int values)
    {
        int stride = (values + 15) / 16 * 16;
        int offset = stride * sizeof(float) % 4096;
        return checked(stride + (SkewBytes - offset + 4096) % 4096 / sizeof(float));
    }

    /// <summary>The lanes of the current kernel family: 16 with AVX-512, 8 with AVX2; 0 without either (no channel blocks).</summary>
    public static int CurrentLanes => Gemm.DefaultKernel switch
    {
        GemmKernel.Avx512 => 16,
        GemmKernel.Avx2 => 8,
        _ => 0,
    };

    /// <summary>blocks[c / L][n, h, w, c mod L] = x[n, c, h, w]: each (block, image) plane group turned at once.</summary>
    public static void FromPlanes(Tensor planes, ChannelBlocks blocks)
    {
        Require.Shape(planes, blocks.PlanesShape, nameof(planes));
        int plane = blocks.Height * blocks.Width, lanes = blocks.Lanes, channels = blocks.Channels, batch = blocks.Batch, stride = blocks.BlockStride;
        nint x = (nint)planes.Pointer, d = (nint)blocks.Data.Pointer;
        CnnParallel.For(blocks.Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            ChannelsLast.From((float*)x + ((long)n * channels + block * lanes) * plane, plane, plane, 1, plane, count,
                (float*)d + (long)block * stride + (long)n * plane * lanes, plane, lanes);
        });
    }

    /// <summary>y[n, c, h, w] = blocks[c / L][n, h, w, c mod L].</summary>
    public void ToPlanes(Tensor planes)
    {
        Require.Shape(planes, PlanesShape, nameof(planes));
        int plane = Height * Width, lanes = Lanes, channels = Channels, batch = Batch, stride = BlockStride;
        nint y = (nint)planes.Pointer, d = (nint)Data.Pointer;
        CnnParallel.For(Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            ChannelsLast.To((float*)d + (long)block * stride + (long)n * plane * lanes, plane, 1, plane, count,
                (float*)y + ((long)n * channels + block * lanes) * plane, plane, plane, lanes);
        });
    }

    /// <summary>
    /// m[n, c, 0, 0] = mean over (h, w) of channel c of image n (a global average pool), summed in double per lane, pixel after
    /// pixel: each 8 lanes are widened to two vectors of 4 doubles, so one pass reads the block's pixels in order.
    /// </summary>
    public void MeanPerChannel(Tensor means)
    {
        Require.Shape(means, new TensorShape(Batch, Channels, 1, 1), nameof(means));
        int plane = Height * Width, lanes = Lanes, channels = Channels, batch = Batch, stride = BlockStride;
        nint d = (nint)Data.Pointer, m = (nint)means.Pointer;
        CnnParallel.For(Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            float* pixels = (float*)d + (long)block * stride + (long)n * plane * lanes;
            var sums = stackalloc Vector256<double>[lanes / 4];
            for (int q = 0; q < lanes / 4; q++) sums[q] = Vector256<double>.Zero;
            for (int p = 0; p < plane; p++)
                for (int q = 0; q < lanes / 8; q++)
                {
                    var values = Vector256.Load(pixels + (long)p * lanes + q * 8);
                    sums[2 * q] += Vector256.WidenLower(values);
                    sums[2 * q + 1] += Vector256.WidenUpper(values);
                }
            double* totals = (double*)sums;
            for (int c = 0; c < count; c++) ((float*)m)[n * channels + block * lanes + c] = (float)(totals[c] / plane);
        });
    }

    /// <summary>y[c / L][n, h, w, c mod L] = x[…]·s[n, c, 0, 0]: every channel of every image scaled (a squeeze-and-excitation gate).</summary>
    public void ScaleChannels(Tensor scale, ChannelBlocks output)
    {
        Require.Shape(scale, new TensorShape(Batch, Channels, 1, 1), nameof(scale));
        Require.Shape(output.Data, Data.Shape, nameof(output));
        int plane = Height * Width, lanes = Lanes, channels = Channels, batch = Batch, stride = BlockStride;
        nint x = (nint)Data.Pointer, y = (nint)output.Data.Pointer, s = (nint)scale.Pointer;
        CnnParallel.For(Blocks * batch, unit =>
        {
            int block = unit / batch, n = unit % batch, count = Math.Min(lanes, channels - block * lanes);
            float* factors = stackalloc float[lanes];
            for (int c = 0; c < lanes; c++) factors[c] = c < count ? ((float*)s)[n * channels + block * lanes + c] : 0f;
            long offset = (long)block * stride + (long)n * plane * lanes;
            if (lanes == 16)
            {
                var f = Vector512.Load(factors);
                for (int p = 0; p < plane; p++) (Vector512.Load((float*)x + offset + p * 16) * f).Store((float*)y + offset + p * 16);
            }
            else
            {
                var f = Vector256.Load(factors);
                for (int p = 0; p < plane; p++) (Vector256.Load((float*)x + offset + p * 8) * f).Store((float*)y + offset + p * 8);
            }
        });
    }
}
