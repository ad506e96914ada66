using MLNet.Cnn.Augment;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class AugmentArgumentTests
{
    public static IEnumerable<object[]> BadArguments() =>
        new (Action Construct, string Parameter, string Value)[]
        {
            (() => new HorizontalFlip(-0.1), "probability", "-0.1"),
            (() => new VerticalFlip(1.5), "probability", "1.5"),
            (() => new VerticalFlip(double.NaN), "probability", "NaN"),
            (() => new RandomCrop(0, 4), "height", "0"),
            (() => new RandomCrop(4, -2), "width", "-2"),
            (() => new RandomCrop(4, 4, padding: -1), "padding", "-1"),
            (() => new RandomCrop(4, 4, 0, (PaddingMode)7), "mode", "7"),
            (() => new RandomResizedCrop(0, 4), "height", "0"),
            (() => new RandomResizedCrop(4, 4, scale: (0, 1)), "scale", "(0, 1)"),
            (() => new RandomResizedCrop(4, 4, scale: (0.5, 1.2)), "scale", "(0.5, 1.2)"),
            (() => new RandomResizedCrop(4, 4, scale: (0.8, 0.2)), "scale", "(0.8, 0.2)"),
            (() => new RandomResizedCrop(4, 4, ratio: (0, 1)), "ratio", "(0, 1)"),
            (() => new RandomResizedCrop(4, 4, ratio: (2, 1)), "ratio", "(2, 1)"),
            (() => new RandomAffine(-5), "degrees", "-5"),
            (() => new RandomAffine(5, translate: (0.1, 1.5)), "translate", "(0.1, 1.5)"),
            (() => new RandomAffine(5, scale: (0, 1)), "scale", "(0, 1)"),
            (() => new RandomAffine(5, shear: 90), "shear", "90"),
            (() => new RandomAffine(5, shear: -1), "shear", "-1"),
            (() => new RandomRotation(-1), "degrees", "-1"),
            (() => new ElasticWarp(alpha: -1), "alpha", "-1"),
            (() => new ElasticWarp(sigma: -0.5), "sigma", "-0.5"),
            (() => new ElasticWarp(probability: 2), "probability", "2"),
            (() => new RandomErasing(probability: -1), "probability", "-1"),
            (() => new RandomErasing(scale: (0.1, 2)), "scale", "(0.1, 2)"),
            (() => new RandomErasing(ratio: (-1, 3)), "ratio", "(-1, 3)"),
        }.Select(c => new object[] { c.Construct, c.Parameter, c.Value });

    [TestMethod]
    [DynamicData(nameof(BadArguments))]
    public void ConstructorsRefuseImpossibleSettings(Action construct, string parameter, string value) =>
        OutOfRangeAssert.Throws(construct, parameter, value);

    [TestMethod]
    public void AnEmptyImageIsRefusedByTheSample() =>
        Assert.ThrowsExactly<ArgumentException>(() => new AugmentationSample([], 1, 0, 4));
}
