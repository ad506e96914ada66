namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>What an export's "logits" output holds (its "mlnet.cnn.task" metadata).</summary>
internal enum ModelTask
{
    /// <summary>[N, K] class logits (no task key: every classifier export).</summary>
    Classification,
    /// <summary>A YOLO head's grid [N, A·(5 + K), H/stride, W/stride] (<see cref="YoloGridHead"/>).</summary>
    Detection,
    /// <summary>Per-pixel class logits [N, K, H, W], class 0 the background.</summary>
    Segmentation,
}

/// <summary>The anchors (width, height pairs in pixels) and the cell size of a detection export.</summary>
internal sealed record YoloGridHead(float[] AnchorSizes, float Stride)
{
    public int AnchorCount => AnchorSizes.Length / 2;
}
