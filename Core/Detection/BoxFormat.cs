namespace MLNet.Cnn.Detection;

/// <summary>How the 4 numbers of a box are laid out (torchvision's box_convert names).</summary>
public enum BoxFormat
{
    /// <summary>Corners (x1, y1, x2, y2): the core's own format.</summary>
    Xyxy,

    /// <summary>Center and size (cx, cy, w, h), as YOLO heads predict them.</summary>
    Cxcywh,
}
