namespace MLNet.Cnn.Detection;

/// <summary>
/// One predicted object: its box (x0, y0, x1, y1) in absolute pixels, x0 ≤ x1 and y0 ≤ y1, its class id in
/// [0, classCount) and its confidence (higher is surer; only the order of the scores matters to the metrics).
/// </summary>
public readonly record struct DetectedBox(float X0, float Y0, float X1, float Y1, int ClassId, float Score)
{
    /// <summary>(x1 − x0)·(y1 − y0), no "+1".</summary>
    public double Area => ((double)X1 - X0) * ((double)Y1 - Y0);
}
