namespace MLNet.Cnn.Detection;

/// <summary>
/// The parameters of RoIAlign, as torchvision.ops.roi_align's.
/// </summary>
/// <param name="OutputHeight">Rows of each pooled output.</param>
/// <param name="OutputWidth">Columns of each pooled output.</param>
/// <param name="SpatialScale">Feature-map cells per image pixel (1/stride): RoI corners are multiplied by it.</param>
/// <param name="SamplingRatio">Sample points per bin along each axis; ≤ 0 is adaptive, ⌈RoI height / OutputHeight⌉ rows
/// and ⌈RoI width / OutputWidth⌉ columns of samples (torchvision's default is −1).</param>
/// <param name="Aligned">When true, corners are shifted by −0.5 cell so that sample positions refer to cell centers
/// (Detectron2's ROIAlignV2); when false, the RoI width and height are at least 1 cell (the original RoIAlign).</param>
public readonly record struct RoIAlignOptions(int OutputHeight, int OutputWidth, double SpatialScale = 1, int SamplingRatio = -1,
    bool Aligned = false)
{
    internal void Check()
    {
        if (OutputHeight <= 0 || OutputWidth <= 0)
            throw new ArgumentException($"The output size must be positive; {OutputHeight}×{OutputWidth} was given.", "options");
        if (!(SpatialScale > 0 && double.IsFinite(SpatialScale)))
            throw new ArgumentException($"The spatial scale must be positive; {SpatialScale} was given.", "options");
    }
}
