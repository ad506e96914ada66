using System.Runtime.Intrinsics.X86;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Moves a group of channel planes to and from a channels-last block whose pixels are <c>lanes</c> floats apart (the
/// channels of one pixel side by side in a vector): 8 channels × 8 columns at a time with AVX, the rest one by one.
/// Shared by the channel-blocked depthwise and direct convolutions.
/// </summary>
internal static unsafe class ChannelsLast
{
    /// <summary>
    /// dst[r, col, c] = src[c, r, col] for c &lt; <paramref name="count"/> (src planes <paramref name="planeStride"/> apart,
    /// rows <paramref name="rowStride"/>; dst rows <paramref name="dstRowPixels"/> pixels of <paramref name="lanes"/> floats).
    /// </summary>
    public static void From(float* src, int planeStride, int rowStride, int rows, int columns, int count, float* dst, int dstRowPixels, int lanes)
    {
        var (blockColumns, blockChannels) = Blocked(columns, count);
        int* channelOffsets = stackalloc int[8];
        for (int i = 0; i < 8; i++) channelOffsets[i] = i * planeStride;
        for (int r = 0; r < rows; r++)
        {
            float* source = src + (long)r * rowStride;
            float* target = dst + (long)r * dstRowPixels * lanes;
            for (int c0 = 0; c0 < blockChannels; c0 += 8)
                for (int col = 0; col < blockColumns; col += 8)
                    Transpose.Block8x8(source + (long)c0 * planeStride + col, channelOffsets, target + (long)col * lanes + c0, lanes);
            for (int col = 0; col < columns; col++)
                for (int c = col < blockColumns ? blockChannels : 0; c < count; c++)
                    target[(long)col * lanes + c] = source[(long)c * planeStride + col];
        }
    }

    /// <summary>
    /// dst[c, r, col] = src[r, col, c] (src rows <paramref name="srcRowPixels"/> pixels of <paramref name="lanes"/> floats; dst
    /// planes <paramref name="planeStride"/> apart, rows <paramref name="rowStride"/>): the inverse of <see cref="From"/>.
    /// </summary>
    public static void To(float* src, int srcRowPixels, int rows, int columns, int count, float* dst, int planeStride, int rowStride, int lanes)
    {
        var (blockColumns, blockChannels) = Blocked(columns, count);
        int* pixelOffsets = stackalloc int[8];
        for (int i = 0; i < 8; i++) pixelOffsets[i] = i * lanes;
        for (int r = 0; r < rows; r++)
        {
            float* source = src + (long)r * srcRowPixels * lanes;
            float* target = dst + (long)r * rowStride;
            for (int col = 0; col < blockColumns; col += 8)
                for (int c0 = 0; c0 < blockChannels; c0 += 8)
                    Transpose.Block8x8(source + (long)col * lanes + c0, pixelOffsets, target + (long)c0 * planeStride + col, planeStride);
            for (int col = 0; col < columns; col++)
                for (int c = col < blockColumns ? blockChannels : 0; c < count; c++)
                    target[(long)c * planeStride + col] = source[(long)col * lanes + c];
        }
    }

    /// <summary>The columns and channels the 8×8 AVX blocks cover (none without AVX).</summary>
    private static (int Columns, int Channels) Blocked(int columns, int count) =>
        Avx.IsSupported ? (columns & ~7, count & ~7) : (0, 0);
}
