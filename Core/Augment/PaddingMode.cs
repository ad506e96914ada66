namespace MLNet.Cnn.Augment;

/// <summary>How <see cref="RandomCrop"/> fills its padding (torchvision's padding_mode "constant" with 0, "reflect").</summary>
public enum PaddingMode
{
    /// <summary>Zero pixels and mask class 0.</summary>
    Zero,
    /// <summary>The image mirrored about its edge pixels, which are not repeated (the mask likewise).</summary>
    Reflect,
}
