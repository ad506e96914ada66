namespace MLNet.Cnn.Kernels;

/// <summary>Index arithmetic shared by the convolution kernels.</summary>
internal static class ConvTaps
{
    /// <summary>
    /// The outputs o in [lo, hi) whose input index o·stride + offset lies in [0, inSize); outSize bounds o.
    /// </summary>
    public static (int Lo, int Hi) ValidOutputs(int offset, int stride, int inSize, int outSize)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = offset > inSize - 1 ? 0 : Math.Min(outSize, (inSize - 1 - offset) / stride + 1);
        return (Math.Min(lo, outSize), Math.Max(hi, Math.Min(lo, outSize)));
    }
}
