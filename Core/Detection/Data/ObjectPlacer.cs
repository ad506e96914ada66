using MLNet.Cnn.Data;

namespace MLNet.Cnn.Detection;

/// <summary>
/// Places a scene's objects one after the other and keeps who owns each canvas pixel. An object's pixels are those of its
/// resized item with opacity ≥ <see cref="SceneOptions.MaskThreshold"/> inside the canvas; a later object takes over the
/// pixels it covers (occlusion). A try draws a position (the item's pixels all inside the canvas, or with clipping its box
/// centre inside) and, every <see cref="PositionsPerScale"/> tries, a new scale whose upper end shrinks towards MinScale as
/// tries fail; it is kept when its placed box has IoU ≤ MaxIoU with every earlier placed box and every earlier object keeps
/// ≥ MinVisibleFraction of its pixels (and ≥ 1).
/// </summary>
internal sealed class ObjectPlacer
{
    private readonly ImageDataset _items;
    private readonly SceneOptions _options;
    private readonly float _threshold;
    private readonly List<Placed> _placed = [];
    private int[] _pixelBuffer = [];

    /// <summary>Positions tried for one drawn scale before the next scale is drawn (resizing costs more than a position).</summary>
    private const int PositionsPerScale = 8;

    /// <summary>[H, W]: 0 where no object, k + 1 where object k is on top.</summary>
    public byte[] Owner { get; }

    public ObjectPlacer(ImageDataset items, SceneOptions options)
    {
        _items = items;
        _options = options;
        _threshold = (float)options.MaskThreshold;
        Owner = new byte[options.Height * options.Width];
    }

    public sealed class Placed(AlphaPatch patch, int source, double scale, Box placedBox, int placedPixels)
    {
        public AlphaPatch Patch { get; } = patch;
        public int Source { get; } = source;
        public double Scale { get; } = scale;
        public Box PlacedBox { get; } = placedBox;
        public int PlacedPixels { get; } = placedPixels;
        public int VisiblePixels { get; set; } = placedPixels;
    }

    public IReadOnlyList<Placed> Objects => _placed;

    /// <summary>Places one more object; false when no try succeeded.</summary>
    public bool TryPlace(Random random)
    {
        int source = random.Next(_items.Count);
        var covered = new int[_placed.Count];
        AlphaPatch? patch = null;
        (int X0, int Y0, int X1, int Y1)? local = null;
        double scale = 0;
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            if (attempt % PositionsPerScale == 0 || local is null)
            {
                double top = _options.MaxScale - (_options.MaxScale - _options.MinScale) * attempt / _options.MaxAttempts;
                scale = _options.MinScale + (top - _options.MinScale) * random.NextDouble();
                patch = AlphaPatch.Resized(_items.Pixels(source), _items.Height, _items.Width, 0, 0, _items.Height, _items.Width,
                    Math.Max(1, (int)Math.Round(_items.Height * scale)), Math.Max(1, (int)Math.Round(_items.Width * scale)));
                local = LocalBox(patch);
                if (local is null)
                {
                    source = random.Next(_items.Count); // an item with no pixel above the threshold: take another
                    continue;
                }
            }
            var (x0, y0, x1, y1) = local.Value;
            if (!TryPosition(patch!, x0, y0, x1, y1, random)) continue;
            var pixels = CanvasPixels(patch!);
            if (pixels.IsEmpty) continue;
            var box = TightBox(pixels);
            if (_placed.Any(p => IoU(p.PlacedBox, box) > _options.MaxIoU)) continue;
            if (!LeavesOthersVisible(pixels, covered)) continue;
            Accept(new Placed(patch!, source, scale, box, pixels.Length), pixels, covered);
            return true;
        }
        return false;
    }

    /// <summary>The tight box (inclusive pixel indices) of the patch's pixels ≥ threshold, or null if it has none.</summary>
    private (int X0, int Y0, int X1, int Y1)? LocalBox(AlphaPatch patch)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int i = 0; i < patch.Height; i++)
            for (int j = 0; j < patch.Width; j++)
                if (patch[i, j] >= _threshold)
                {
                    x0 = Math.Min(x0, j); x1 = Math.Max(x1, j);
                    y0 = Math.Min(y0, i); y1 = Math.Max(y1, i);
                }
        return x1 < 0 ? null : (x0, y0, x1, y1);
    }

    // inside: Left ∈ [−x0, W − 1 − x1]; clipped: the box centre column Left + ⌊(x0 + x1 + 1)/2⌋ ∈ [0, W − 1]; rows alike
    private bool TryPosition(AlphaPatch patch, int x0, int y0, int x1, int y1, Random random)
    {
        var (leftMin, leftMax) = Range(x0, x1, _options.Width);
        var (topMin, topMax) = Range(y0, y1, _options.Height);
        if (leftMax < leftMin || topMax < topMin) return false; // larger than the canvas
        patch.Left = random.Next(leftMin, leftMax + 1);
        patch.Top = random.Next(topMin, topMax + 1);
        return true;
    }

    private (int Min, int Max) Range(int first, int last, int size)
    {
        if (!_options.AllowClipping) return (-first, size - 1 - last);
        int centre = (first + last + 1) / 2;
        return (-centre, size - 1 - centre);
    }

    /// <summary>The tight box of canvas pixels (at least one), given as indices row·W + column.</summary>
    private Box TightBox(ReadOnlySpan<int> pixels)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        foreach (int k in pixels)
        {
            int row = k / _options.Width, column = k % _options.Width;
            x0 = Math.Min(x0, column); x1 = Math.Max(x1, column);
            y0 = Math.Min(y0, row); y1 = Math.Max(y1, row);
        }
        return new Box(x0, y0, x1 + 1, y1 + 1);
    }

    /// <summary>Canvas indices row·W + column of the patch's pixels ≥ threshold inside the canvas (in a buffer reused by the next call).</summary>
    private ReadOnlySpan<int> CanvasPixels(AlphaPatch patch)
    {
        int count = 0;
        if (_pixelBuffer.Length < patch.Alpha.Length) _pixelBuffer = new int[patch.Alpha.Length];
        for (int i = Math.Max(0, -patch.Top); i < Math.Min(patch.Height, _options.Height - patch.Top); i++)
            for (int j = Math.Max(0, -patch.Left); j < Math.Min(patch.Width, _options.Width - patch.Left); j++)
                if (patch[i, j] >= _threshold)
                    _pixelBuffer[count++] = (patch.Top + i) * _options.Width + patch.Left + j;
        return _pixelBuffer.AsSpan(0, count);
    }

    /// <summary>Counts in <paramref name="covered"/> the pixels a new object takes from each earlier one; true if each keeps enough.</summary>
    private bool LeavesOthersVisible(ReadOnlySpan<int> pixels, int[] covered)
    {
        Array.Clear(covered);
        foreach (int k in pixels)
            if (Owner[k] > 0) covered[Owner[k] - 1]++;
        for (int j = 0; j < _placed.Count; j++)
        {
            int left = _placed[j].VisiblePixels - covered[j];
            if (left < 1 || left < _options.MinVisibleFraction * _placed[j].PlacedPixels) return false;
        }
        return true;
    }

    private void Accept(Placed placed, ReadOnlySpan<int> pixels, int[] covered)
    {
        for (int j = 0; j < _placed.Count; j++) _placed[j].VisiblePixels -= covered[j];
        _placed.Add(placed);
        foreach (int k in pixels) Owner[k] = (byte)_placed.Count;
    }

    private static double IoU(Box a, Box b) => BoxIou.Pair<double>([a.X1, a.Y1, a.X2, a.Y2], [b.X1, b.Y1, b.X2, b.Y2]).Iou;
}
