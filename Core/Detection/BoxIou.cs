using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Pairwise IoU and generalized IoU of two sets of xyxy boxes, as torchvision.ops.box_iou and generalized_box_iou
/// (areas without "+1"). The result is [n, m], row i for box i of <c>a</c>.
/// <para>Degenerate boxes: where the union has zero area (two zero-area boxes) the IoU is defined as 0 (torchvision gives
/// 0/0 = NaN); where the enclosing box has zero area (two coinciding points or collinear segments) the GIoU penalty
/// (C − U)/C is defined as 0, so GIoU = IoU = 0. A zero-area box against a box with area has IoU 0 and a GIoU in [−1, 0].</para>
/// </summary>
public static class BoxIou
{
    /// <summary>IoU = |A ∩ B| / |A ∪ B| for every pair, in [0, 1]; both sets in <paramref name="format"/>.</summary>
    public static T[] Iou<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, BoxFormat format = BoxFormat.Xyxy)
        where T : IFloatingPointIeee754<T> =>
        Matrix(Corners(a, format, nameof(a)), Corners(b, format, nameof(b)), generalized: false);

    /// <summary>
    /// GIoU = IoU − (C − U)/C for every pair, C the area of the smallest box enclosing both; in [−1, 1]; both sets in
    /// <paramref name="format"/>.
    /// </summary>
    public static T[] GeneralizedIou<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, BoxFormat format = BoxFormat.Xyxy)
        where T : IFloatingPointIeee754<T> =>
        Matrix(Corners(a, format, nameof(a)), Corners(b, format, nameof(b)), generalized: true);

    // The boxes as checked xyxy corners (a converted copy for cxcywh; the error names the caller's argument).
    private static ReadOnlySpan<T> Corners<T>(ReadOnlySpan<T> boxes, BoxFormat format, string name) where T : IFloatingPointIeee754<T>
    {
        if (format == BoxFormat.Xyxy)
        {
            BoxCheck.Valid(boxes, name);
            return boxes;
        }
        if (format != BoxFormat.Cxcywh)
            throw new ArgumentException($"Unknown box format {format}.", nameof(format));
        var corners = new T[boxes.Length];
        BoxConversion.CxcywhToXyxy(boxes, corners, name);
        return corners;
    }

    private static T[] Matrix<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, bool generalized) where T : IFloatingPointIeee754<T>
    {
        int n = a.Length / 4, m = b.Length / 4;
        var result = new T[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                var pair = Pair(a.Slice(4 * i, 4), b.Slice(4 * j, 4));
                result[i * m + j] = generalized ? pair.GeneralizedIou : pair.Iou;
            }
        return result;
    }

    /// <summary>Intersection, union and enclosing areas of two boxes given as 4-element spans.</summary>
    internal static BoxPair<T> Pair<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : IFloatingPointIeee754<T>
    {
        T areaP = (p[2] - p[0]) * (p[3] - p[1]), areaQ = (q[2] - q[0]) * (q[3] - q[1]);
        T interWidth = T.Max(T.Zero, T.Min(p[2], q[2]) - T.Max(p[0], q[0]));
        T interHeight = T.Max(T.Zero, T.Min(p[3], q[3]) - T.Max(p[1], q[1]));
        T intersection = interWidth * interHeight;
        T enclosing = (T.Max(p[2], q[2]) - T.Min(p[0], q[0])) * (T.Max(p[3], q[3]) - T.Min(p[1], q[1]));
        return new BoxPair<T>(intersection, areaP + areaQ - intersection, enclosing);
    }
}

/// <summary>The areas two boxes define: I = |P ∩ Q|, U = |P| + |Q| − I, C = the area of the smallest box enclosing both.</summary>
internal readonly record struct BoxPair<T>(T Intersection, T Union, T Enclosing) where T : IFloatingPointIeee754<T>
{
    public T Iou => Union > T.Zero ? Intersection / Union : T.Zero;

    public T GeneralizedIou => Enclosing > T.Zero ? Iou - (Enclosing - Union) / Enclosing : Iou;
}
