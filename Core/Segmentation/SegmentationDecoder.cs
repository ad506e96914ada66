namespace MLNet.Cnn.Segmentation;

/// <summary>How the decoders of <see cref="SegmentationNetworks"/> go up from one stride to the next.</summary>
public enum SegmentationDecoder
{
    /// <summary>A learned transposed convolution, kernel = stride = the factor (2 between consecutive stages).</summary>
    TransposedConvolution,
    /// <summary>Bilinear upsampling (half-pixel centres, as PyTorch's align_corners=False); the convolutions after it learn.</summary>
    Bilinear,
}
