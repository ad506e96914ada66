using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// The layout and box parameterization of a YOLOv2/v3-style detection head on one grid of square cells
/// (<see cref="Stride"/> pixels a side). Its output is a tensor [N, A·(5 + K), H, W] for A anchors and K classes: the
/// channels of anchor a are a·(5 + K) + f for the field f = <see cref="Tx"/>, <see cref="Ty"/>, <see cref="Tw"/>,
/// <see cref="Th"/>, <see cref="Objectness"/> (a logit), then <see cref="FirstClass"/> + c for the logit of class c.
/// <para>A prediction at cell (row i, column j) decodes, in pixels, to the centre ((j + σ(tx))·s, (i + σ(ty))·s) and the size
/// (a_w·e^tw, a_h·e^th), a_w × a_h the anchor's size; tw and th are clamped from above at <see cref="MaxLogScale"/> so
/// the exponential cannot overflow (no gradient flows through a clamped value).</para>
/// </summary>
public sealed class YoloHead
{
    /// <summary>Channel offsets inside one anchor's block of the head's output: the box offsets tx, ty, tw, th, the objectness logit, then the class logits from <c>FirstClass</c> on.</summary>
    public const int Tx = 0, Ty = 1, Tw = 2, Th = 3, Objectness = 4, FirstClass = 5;

    /// <summary>The largest tw, th used: ln(1000/16), torchvision's box-decoding clip (an anchor grows at most 62.5×).</summary>
    public static readonly double MaxLogScale = Math.Log(1000.0 / 16);

    private readonly float[] _anchorSizes;

    /// <param name="anchorSizes">[A, 2] anchor (width, height) pairs in pixels, each positive.</param>
    /// <param name="classCount">K ≥ 1.</param>
    /// <param name="stride">The cell size in pixels (the image is H·stride × W·stride).</param>
    public YoloHead(ReadOnlySpan<float> anchorSizes, int classCount, float stride)
    {
        if (anchorSizes.Length == 0 || anchorSizes.Length % 2 != 0)
            throw new ArgumentException(
                $"anchorSizes must hold (width, height) pairs, at least one; its length is {anchorSizes.Length}.", nameof(anchorSizes));
        foreach (float s in anchorSizes)
            if (!(s > 0 && float.IsFinite(s)))
                throw new ArgumentException($"Anchor sizes must be finite and positive; {s} was given.", nameof(anchorSizes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (!(stride > 0 && float.IsFinite(stride)))
            throw new ArgumentException($"The stride must be finite and positive; {stride} was given.", nameof(stride));
        _anchorSizes = anchorSizes.ToArray();
        ClassCount = classCount;
        Stride = stride;
    }

    /// <summary>A, the number of anchors per grid cell.</summary>
    public int AnchorCount => _anchorSizes.Length / 2;
    /// <summary>K, the number of object classes.</summary>
    public int ClassCount { get; }
    /// <summary>Input pixels per grid cell (the backbone's total downsampling).</summary>
    public float Stride { get; }

    /// <summary>5 + K: tx, ty, tw, th, the objectness logit and K class logits.</summary>
    public int ChannelsPerAnchor => FirstClass + ClassCount;

    /// <summary>A·(5 + K), the output's channel count.</summary>
    public int Channels => AnchorCount * ChannelsPerAnchor;

    /// <summary>The width in input pixels of anchor <paramref name="anchor"/> (0 … A − 1).</summary>
    public float AnchorWidth(int anchor) => _anchorSizes[2 * anchor];
    /// <summary>The height in input pixels of anchor <paramref name="anchor"/> (0 … A − 1).</summary>
    public float AnchorHeight(int anchor) => _anchorSizes[2 * anchor + 1];

    /// <summary>The grid of an output tensor; throws unless it is [N, <see cref="Channels"/>, H, W].</summary>
    public YoloGrid GridOf(Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var shape = output.Shape;
        if (shape.Rank != 4 || shape[1] != Channels)
            throw new ArgumentException(
                $"The head output must be [N, {Channels}, H, W] ({AnchorCount} anchors × (5 + {ClassCount} classes)); it is {shape}.",
                nameof(output));
        return new YoloGrid(shape[0], shape[2], shape[3]);
    }

    /// <summary>Throws unless <paramref name="length"/> is the element count of a [N, Channels, H, W] output on <paramref name="grid"/>.</summary>
    internal void CheckLength(YoloGrid grid, int length, string name)
    {
        if (grid.Batch <= 0 || grid.Height <= 0 || grid.Width <= 0)
            throw new ArgumentException($"The grid's sizes must be positive; {grid} was given.", nameof(grid));
        long expected = (long)grid.Batch * Channels * grid.Height * grid.Width;
        if (length != expected)
            throw new ArgumentException(
                $"{name} has length {length}; expected [N, A·(5 + K), H, W] = [{grid.Batch}, {Channels}, {grid.Height}, {grid.Width}].", name);
    }

    /// <summary>The flat index of field <paramref name="field"/> of anchor a at cell (i, j) of image n.</summary>
    internal int Index(YoloGrid grid, int n, int a, int field, int i, int j) =>
        ((n * Channels + a * ChannelsPerAnchor + field) * grid.Height + i) * grid.Width + j;

    /// <summary>The xyxy box (pixels) that (tx, ty, tw, th) decode to at cell (i, j) for anchor a.</summary>
    public void DecodeBox<T>(T tx, T ty, T tw, T th, int a, int i, int j, Span<T> box) where T : IFloatingPointIeee754<T>
    {
        T s = T.CreateChecked(Stride), half = T.CreateChecked(0.5);
        T centerX = (T.CreateChecked(j) + Sigmoid(tx)) * s, centerY = (T.CreateChecked(i) + Sigmoid(ty)) * s;
        T halfWidth = half * T.CreateChecked(AnchorWidth(a)) * T.Exp(ClampLogScale(tw));
        T halfHeight = half * T.CreateChecked(AnchorHeight(a)) * T.Exp(ClampLogScale(th));
        box[0] = centerX - halfWidth;
        box[1] = centerY - halfHeight;
        box[2] = centerX + halfWidth;
        box[3] = centerY + halfHeight;
    }

    /// <summary>Decodes the box of anchor a at cell (i, j) of image n from a flat output.</summary>
    internal void DecodeBox<T>(ReadOnlySpan<T> output, YoloGrid grid, int n, int a, int i, int j, Span<T> box)
        where T : IFloatingPointIeee754<T> =>
        DecodeBox(output[Index(grid, n, a, Tx, i, j)], output[Index(grid, n, a, Ty, i, j)],
            output[Index(grid, n, a, Tw, i, j)], output[Index(grid, n, a, Th, i, j)], a, i, j, box);

    internal static T ClampLogScale<T>(T t) where T : IFloatingPointIeee754<T> => T.Min(t, T.CreateChecked(MaxLogScale));

    internal static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}

/// <summary>The batch size and the grid (rows × columns of cells) of a head output.</summary>
public readonly record struct YoloGrid(int Batch, int Height, int Width)
{
    /// <summary>N·A·H·W prediction positions for A anchors, position p = ((n·A + a)·H + i)·W + j.</summary>
    public int Positions(int anchorCount) => Batch * anchorCount * Height * Width;
}
