using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>How <see cref="Pad"/> fills the border (PyTorch F.pad modes; ONNX Pad's constant, reflect, edge).</summary>
public enum PadMode
{
    /// <summary>A constant value (zero by default).</summary>
    Constant,
    /// <summary>Mirrored about the edge pixel, which is not repeated: x2 x1 | x0 x1 x2 …; each pad &lt; the size.</summary>
    Reflect,
    /// <summary>The edge pixel repeated: x0 x0 | x0 x1 …</summary>
    Replicate,
}

/// <summary>
/// Spatial padding of [N, C, H, W] by a <see cref="Padding2d"/> (each side its own amount). Backward sends each
/// output gradient to the pixel it was read from: the interior is copied, reflect and replicate margins are added
/// to their source pixels, constant margins read no pixel and are dropped. Threads split the N·C planes.
/// </summary>
internal static unsafe class Pad
{
    // x [N, C, H, W], y [N, C, top + H + bottom, left + W + right]:
    //   y[n, c, i, j] = x[n, c, src(i − top, H), src(j − left, W)], or value where src is outside (constant mode)
    //   src(k, size) = k inside [0, size); outside: −k or 2(size − 1) − k (reflect), 0 or size − 1 (replicate)
    public static void Forward(Tensor x, Tensor y, Padding2d padding, PadMode mode, float value = 0f)
    {
        Check(x, padding, mode, nameof(x));
        Require.Shape(y, PaddedShape(x.Shape, padding), nameof(y));
        int height = x.Shape[2], width = x.Shape[3], outHeight = y.Shape[2], outWidth = y.Shape[3];
        int planes = x.Shape[0] * x.Shape[1], left = padding.Left, top = padding.Top;
        nint px = (nint)x.Pointer, py = (nint)y.Pointer;
        PlaneParallel.For(planes, (long)outHeight * outWidth, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                for (int i = 0; i < outHeight; i++)
                {
                    float* yRow = (float*)py + ((long)p * outHeight + i) * outWidth;
                    int h = Source(i - top, height, mode);
                    if (h < 0)
                    {
                        new Span<float>(yRow, outWidth).Fill(value);
                        continue;
                    }
                    float* xRow = (float*)px + ((long)p * height + h) * width;
                    new ReadOnlySpan<float>(xRow, width).CopyTo(new Span<float>(yRow + left, width));
                    for (int j = 0; j < left; j++) yRow[j] = Read(xRow, j - left, width, mode, value);
                    for (int j = left + width; j < outWidth; j++) yRow[j] = Read(xRow, j - left, width, mode, value);
                }
        });
    }

    // dy [N, C, top + H + bottom, left + W + right], dx [N, C, H, W]:
    //   dx[n, c, h, w] = Σ dy[n, c, i, j] over the (i, j) that Forward filled from x[n, c, h, w]
    public static void Backward(Tensor dy, Tensor dx, Padding2d padding, PadMode mode)
    {
        Check(dx, padding, mode, nameof(dx));
        Require.Shape(dy, PaddedShape(dx.Shape, padding), nameof(dy));
        Require.Distinct(dx, dy, nameof(dx), nameof(dy)); // dx is cleared before dy is read
        int height = dx.Shape[2], width = dx.Shape[3], outHeight = dy.Shape[2], outWidth = dy.Shape[3];
        int planes = dx.Shape[0] * dx.Shape[1], left = padding.Left, top = padding.Top;
        nint pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        PlaneParallel.For(planes, (long)outHeight * outWidth, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                new Span<float>((float*)pdx + (long)p * height * width, height * width).Clear();
                for (int i = 0; i < outHeight; i++)
                {
                    int h = Source(i - top, height, mode);
                    if (h < 0) continue;
                    float* dyRow = (float*)pdy + ((long)p * outHeight + i) * outWidth;
                    var dxRow = new Span<float>((float*)pdx + ((long)p * height + h) * width, width);
                    TensorPrimitives.Add(dxRow, new ReadOnlySpan<float>(dyRow + left, width), dxRow);
                    for (int j = 0; j < left; j++) AddTo(dxRow, j - left, mode, dyRow[j]);
                    for (int j = left + width; j < outWidth; j++) AddTo(dxRow, j - left, mode, dyRow[j]);
                }
            }
        });
    }

    /// <summary>[N, C, H, W] grown by the padding.</summary>
    public static TensorShape PaddedShape(TensorShape input, Padding2d padding) =>
        new(input[0], input[1], input[2] + padding.Top + padding.Bottom, input[3] + padding.Left + padding.Right);

    /// <summary>The margin value at position k of a row whose interior is row[0 … size).</summary>
    private static float Read(float* row, int k, int size, PadMode mode, float value)
    {
        int source = Source(k, size, mode);
        return source < 0 ? value : row[source];
    }

    /// <summary>Adds a margin gradient at position k to the pixel it was read from, if any.</summary>
    private static void AddTo(Span<float> row, int k, PadMode mode, float gradient)
    {
        int source = Source(k, row.Length, mode);
        if (source >= 0) row[source] += gradient;
    }

    /// <summary>The index read for position k of an axis of the given size, or −1 for the constant.</summary>
    private static int Source(int k, int size, PadMode mode)
    {
        if ((uint)k < (uint)size) return k;
        return mode switch
        {
            PadMode.Reflect => k < 0 ? -k : 2 * (size - 1) - k,
            PadMode.Replicate => k < 0 ? 0 : size - 1,
            _ => -1,
        };
    }

    private static void Check(Tensor input, Padding2d padding, PadMode mode, string name)
    {
        Require.Rank(input, 4, name);
        Require.NonNegative(padding.Top, "padding.Top");
        Require.NonNegative(padding.Left, "padding.Left");
        Require.NonNegative(padding.Bottom, "padding.Bottom");
        Require.NonNegative(padding.Right, "padding.Right");
        if (!Enum.IsDefined(mode))
            throw new ArgumentException($"mode {(int)mode} is not a {nameof(PadMode)}.", nameof(mode));
        int height = input.Shape[2], width = input.Shape[3];
        if (mode == PadMode.Reflect && (padding.Top >= height || padding.Bottom >= height || padding.Left >= width || padding.Right >= width))
            throw new ArgumentException(
                $"Reflect padding {padding} must be smaller than the padded axes of {name}, {input.Shape}, on every side.",
                nameof(padding));
    }
}
