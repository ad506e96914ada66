namespace MLNet.Cnn.Augment;

/// <summary>
/// A map between continuous pixel coordinates (see <see cref="AugmentationSample"/>):
///   x' = A·x + B·y + C,   y' = D·x + E·y + F
/// Geometric ops build the forward map (where a point of the input lands in the output) to move the targets, and
/// sample the pixels through its <see cref="Inverse"/> (where an output pixel comes from).
/// </summary>
internal readonly record struct AffineMap(double A, double B, double C, double D, double E, double F) : IPointMap
{
    public static AffineMap Translation(double dx, double dy) => new(1, 0, dx, 0, 1, dy);

    /// <summary>x' = W − x: the mirror of an image W wide about its vertical centre line.</summary>
    public static AffineMap MirrorX(int width) => new(-1, 0, width, 0, 1, 0);

    /// <summary>y' = H − y.</summary>
    public static AffineMap MirrorY(int height) => new(1, 0, 0, 0, -1, height);

    /// <summary>The rectangle [left, left + w) × [top, top + h) stretched onto [0, W') × [0, H').</summary>
    public static AffineMap Resize(double left, double top, double width, double height, int outWidth, int outHeight)
    {
        double sx = outWidth / width, sy = outHeight / height;
        return new(sx, 0, -left * sx, 0, sy, -top * sy);
    }

    public (double X, double Y) Map(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    public AffineMap Inverse()
    {
        // [A B; D E]⁻¹ = [E −B; −D A] / (AE − BD), then the translation −M⁻¹·(C, F).
        double det = A * E - B * D;
        if (det == 0 || !double.IsFinite(det))
            throw new InvalidOperationException($"The affine map {this} is singular and has no inverse.");
        double a = E / det, b = -B / det, d = -D / det, e = A / det;
        return new(a, b, -(a * C + b * F), d, e, -(d * C + e * F));
    }
}
