namespace MLNet.Cnn.Detection;

/// <summary>
/// One annotated object of an image: its box (x0, y0, x1, y1) in absolute pixels, x0 ≤ x1 and y0 ≤ y1, and its class id in
/// [0, classCount). No crowd flag and no "difficult" flag: every object counts.
/// </summary>
public readonly record struct GroundTruthBox(float X0, float Y0, float X1, float Y1, int ClassId)
{
    /// <summary>(x1 − x0)·(y1 − y0), no "+1": the area that COCO's small / medium / large ranges test.</summary>
    public double Area => ((double)X1 - X0) * ((double)Y1 - Y0);
}
