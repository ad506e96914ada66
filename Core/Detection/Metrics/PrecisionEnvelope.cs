namespace MLNet.Cnn.Detection;

/// <summary>
/// The monotone envelope of a precision/recall curve that both COCO and VOC integrate: precision at a point becomes the
/// best precision at that recall or any higher one, p[i] = max(p[i], p[i + 1], …), so the curve never rises again.
/// </summary>
internal static class PrecisionEnvelope
{
    public static void MakeNonIncreasing(Span<double> precision)
    {
        for (int i = precision.Length - 2; i >= 0; i--)
            precision[i] = Math.Max(precision[i], precision[i + 1]);
    }
}
