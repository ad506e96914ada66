using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Converts boxes between corner form (x1, y1, x2, y2) and center form (cx, cy, w, h); both are flat [n, 4] spans.
/// Like torchvision.ops.box_convert: w = x2 − x1 (no "+1"), cx = (x1 + x2) / 2.
/// </summary>
public static class BoxConversion
{
    /// <summary>(x1, y1, x2, y2) → (cx, cy, w, h). Throws for a malformed box (x2 &lt; x1 or y2 &lt; y1).</summary>
    public static void XyxyToCxcywh<T>(ReadOnlySpan<T> xyxy, Span<T> cxcywh) where T : IFloatingPointIeee754<T>
    {
        int count = BoxCheck.Valid(xyxy, nameof(xyxy));
        BoxCheck.Length<T>(cxcywh, xyxy.Length, nameof(cxcywh), "4 numbers per box of xyxy");
        T two = T.CreateChecked(2);
        for (int i = 0; i < 4 * count; i += 4)
        {
            T x1 = xyxy[i], y1 = xyxy[i + 1], x2 = xyxy[i + 2], y2 = xyxy[i + 3];
            cxcywh[i] = (x1 + x2) / two;
            cxcywh[i + 1] = (y1 + y2) / two;
            cxcywh[i + 2] = x2 - x1;
            cxcywh[i + 3] = y2 - y1;
        }
    }

    /// <summary>(cx, cy, w, h) → (x1, y1, x2, y2). Throws for a negative width or height.</summary>
    public static void CxcywhToXyxy<T>(ReadOnlySpan<T> cxcywh, Span<T> xyxy) where T : IFloatingPointIeee754<T> =>
        CxcywhToXyxy(cxcywh, xyxy, nameof(cxcywh));

    /// <summary>As the public overload; errors name the caller's argument <paramref name="name"/>.</summary>
    internal static void CxcywhToXyxy<T>(ReadOnlySpan<T> cxcywh, Span<T> xyxy, string name) where T : IFloatingPointIeee754<T>
    {
        int count = BoxCheck.Count(cxcywh, name);
        BoxCheck.Length<T>(xyxy, cxcywh.Length, nameof(xyxy), "4 numbers per box of cxcywh");
        T two = T.CreateChecked(2);
        for (int i = 0; i < 4 * count; i += 4)
        {
            T cx = cxcywh[i], cy = cxcywh[i + 1], w = cxcywh[i + 2], h = cxcywh[i + 3];
            if (!(w >= T.Zero && h >= T.Zero))
                throw new ArgumentException($"{name}: box {i / 4} has width {w} and height {h}; expected both ≥ 0.", name);
            xyxy[i] = cx - w / two;
            xyxy[i + 1] = cy - h / two;
            xyxy[i + 2] = cx + w / two;
            xyxy[i + 3] = cy + h / two;
        }
    }
}
