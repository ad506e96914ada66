using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// The GIoU box loss of Rezatofighi et al. (2019), one value per (predicted, target) pair of xyxy boxes:
/// loss = 1 − GIoU = 1 − I/U + (C − U)/C, with I the intersection, U the union and C the enclosing box's area
/// (torchvision.ops.generalized_box_iou_loss with reduction "none", but exact: no eps, and the degenerate cases of
/// <see cref="BoxIou"/>: I/U = 0 when U = 0 and (C − U)/C = 0 when C = 0). The backward gives the gradient with
/// respect to the predicted corners only; targets are constants.
/// </summary>
internal static class GeneralizedIouLoss
{
    // predicted [n, 4], target [n, 4] → losses [n]
    public static void Forward<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target, Span<T> losses)
        where T : IFloatingPointIeee754<T>
    {
        int count = CheckPairs(predicted, target);
        BoxCheck.Length<T>(losses, count, nameof(losses), "one per box pair");
        for (int i = 0; i < count; i++)
            losses[i] = T.One - BoxIou.Pair(predicted.Slice(4 * i, 4), target.Slice(4 * i, 4)).GeneralizedIou;
    }

    // gradLosses [n] → gradPredicted [n, 4] (overwritten).
    // With GIoU = I/U + U/C − 1 and U = |P| + |T| − I:
    //   ∂GIoU/∂U = −I/U² + 1/C,  ∂GIoU/∂I = 1/U − ∂GIoU/∂U,  ∂GIoU/∂|P| = ∂GIoU/∂U,  ∂GIoU/∂C = −U/C²,
    // a term dropping out where its denominator is zero; then the chain rule through |P| = (x2 − x1)(y2 − y1),
    // I = iw·ih with iw = min(px2, tx2) − max(px1, tx1) (no gradient where iw ≤ 0), and C = cw·ch with
    // cw = max(px2, tx2) − min(px1, tx1). At ties (px2 = tx2) the predicted corner takes the gradient.
    public static void Backward<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target, ReadOnlySpan<T> gradLosses,
        Span<T> gradPredicted) where T : IFloatingPointIeee754<T>
    {
        int count = CheckPairs(predicted, target);
        BoxCheck.Length(gradLosses, count, nameof(gradLosses), "one per box pair");
        BoxCheck.Length<T>(gradPredicted, predicted.Length, nameof(gradPredicted), "the shape of predicted");
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<T> p = predicted.Slice(4 * i, 4), t = target.Slice(4 * i, 4);
            var pair = BoxIou.Pair(p, t);
            T u = pair.Union, c = pair.Enclosing;
            T dUnion = (u > T.Zero ? -pair.Intersection / (u * u) : T.Zero) + (c > T.Zero ? T.One / c : T.Zero);
            T dIntersection = (u > T.Zero ? T.One / u : T.Zero) - dUnion;
            T dEnclosing = c > T.Zero ? -u / (c * c) : T.Zero;
            T scale = -gradLosses[i]; // loss = 1 − GIoU

            T width = p[2] - p[0], height = p[3] - p[1];
            // |P|: ∂/∂x1 = −h, ∂/∂x2 = h, ∂/∂y1 = −w, ∂/∂y2 = w
            T gx1 = -height * dUnion, gx2 = height * dUnion, gy1 = -width * dUnion, gy2 = width * dUnion;

            T interWidth = T.Min(p[2], t[2]) - T.Max(p[0], t[0]), interHeight = T.Min(p[3], t[3]) - T.Max(p[1], t[1]);
            if (interWidth > T.Zero && interHeight > T.Zero)
            {
                if (p[0] >= t[0]) gx1 -= interHeight * dIntersection;
                if (p[2] <= t[2]) gx2 += interHeight * dIntersection;
                if (p[1] >= t[1]) gy1 -= interWidth * dIntersection;
                if (p[3] <= t[3]) gy2 += interWidth * dIntersection;
            }

            T enclosingWidth = T.Max(p[2], t[2]) - T.Min(p[0], t[0]), enclosingHeight = T.Max(p[3], t[3]) - T.Min(p[1], t[1]);
            if (p[0] <= t[0]) gx1 -= enclosingHeight * dEnclosing;
            if (p[2] >= t[2]) gx2 += enclosingHeight * dEnclosing;
            if (p[1] <= t[1]) gy1 -= enclosingWidth * dEnclosing;
            if (p[3] >= t[3]) gy2 += enclosingWidth * dEnclosing;

            gradPredicted[4 * i] = scale * gx1;
            gradPredicted[4 * i + 1] = scale * gy1;
            gradPredicted[4 * i + 2] = scale * gx2;
            gradPredicted[4 * i + 3] = scale * gy2;
        }
    }

    private static int CheckPairs<T>(ReadOnlySpan<T> predicted, ReadOnlySpan<T> target) where T : IFloatingPointIeee754<T>
    {
        int count = BoxCheck.Valid(predicted, nameof(predicted));
        int targets = BoxCheck.Valid(target, nameof(target));
        if (targets != count)
            throw new ArgumentException($"target holds {targets} boxes; expected one per predicted box, {count}.", nameof(target));
        return count;
    }
}
