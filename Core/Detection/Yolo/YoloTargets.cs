namespace MLNet.Cnn.Detection;

/// <summary>
/// Per-prediction targets of a <see cref="YoloHead"/> output on <see cref="Grid"/>, indexed by position
/// p = ((n·A + a)·H + i)·W + j (image n, anchor a, cell row i, column j). A position is positive when a ground-truth box is
/// assigned to it; only positives have box and class targets.
/// </summary>
public sealed class YoloTargets
{
    internal YoloTargets(YoloGrid grid, int anchorCount)
    {
        Grid = grid;
        AnchorCount = anchorCount;
        int positions = grid.Positions(anchorCount);
        AssignedBox = new int[positions];
        Array.Fill(AssignedBox, -1);
        ClassIds = new int[positions];
        Array.Fill(ClassIds, -1);
        Boxes = new float[4 * positions];
        Ignore = new bool[positions];
    }

    /// <summary>The output grid the targets are laid over.</summary>
    public YoloGrid Grid { get; }
    /// <summary>A, the anchors per grid cell.</summary>
    public int AnchorCount { get; }

    /// <summary>[positions]: the index, in its image's ground-truth list, of the box assigned to each position, or −1.</summary>
    public int[] AssignedBox { get; }

    /// <summary>[positions]: the class id of the assigned box, or −1.</summary>
    public int[] ClassIds { get; }

    /// <summary>[positions, 4]: the assigned box as xyxy pixels (zeros at negatives).</summary>
    public float[] Boxes { get; }

    /// <summary>[positions]: true where the objectness loss skips the position (never at a positive).</summary>
    public bool[] Ignore { get; }

    /// <summary>The objectness target: 1 at a positive, 0 elsewhere.</summary>
    public float Objectness(int position) => AssignedBox[position] >= 0 ? 1f : 0f;

    /// <summary>The flat position of image <paramref name="n"/>, anchor <paramref name="a"/>, grid row <paramref name="i"/>, column <paramref name="j"/> in the per-position arrays.</summary>
    public int Position(int n, int a, int i, int j) => ((n * AnchorCount + a) * Grid.Height + i) * Grid.Width + j;
}
