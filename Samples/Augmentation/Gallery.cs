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

    public static IEnumerable<(string, IAugmentation)> Color(float[][] trainingImages) => [];
}
