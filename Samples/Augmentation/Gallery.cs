using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Samples.Augmentation;

/// <summary>The ops the gallery shows, with settings typical for small images.</summary>
internal static class Gallery
{
    public static IEnumerable<(string, IAugmentation)> Geometry(int size) =>
    [
        ("horizontal flip", new HorizontalFlip()),
        ("crop, zero pad 4", new RandomCrop(size, size, padding: 4)),
        ("crop, reflect pad 4", new RandomCrop(size, size, padding: 4, mode: PaddingMode.Reflect)),
        ("resized crop", new RandomResizedCrop(size, size, scale: (0.5, 1))),
        ("rotation ±20°", new RandomRotation(20)),
        ("affine (shear, scale)", new RandomAffine(10, translate: (0.1, 0.1), scale: (0.9, 1.1), shear: 15)),
        ("elastic α 34 σ 4", new ElasticWarp(34, 4)),
        ("random erasing", new RandomErasing(probability: 1)),
    ];

    /// <summary>Color ops; PCA lighting's eigenvectors come from <paramref name="trainingImages"/> (and, for comparison, ImageNet's).</summary>
    public static IEnumerable<(string, IAugmentation)> Color(float[][] trainingImages, int channels) =>
    [
        ("brightness ±0.4", new ColorJitter(brightness: 0.4)),
        ("contrast ±0.4", new ColorJitter(contrast: 0.4)),
        ("saturation ±0.8", new ColorJitter(saturation: 0.8)),
        ("hue ±0.15", new ColorJitter(hue: 0.15)),
        ("PCA lighting, own σ 1", PcaLighting.FromImages(trainingImages.Select(i => (ReadOnlyMemory<float>)i), channels, alphaStd: 1)),
        ("PCA lighting, ImageNet σ 0.1", PcaLighting.ImageNet(0.1)),
    ];

    /// <summary>A typical training pipeline for small images: everything at once.</summary>
    public static (string, IAugmentation) Pipeline(int size) =>
        ("flip+crop+jitter+erasing", new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(size, size, padding: 2),
            new ColorJitter(brightness: 0.3, contrast: 0.3), new RandomErasing()));
}
