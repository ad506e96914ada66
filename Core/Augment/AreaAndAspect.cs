namespace MLNet.Cnn.Augment;

/// <summary>
/// The random rectangle shape of <see cref="RandomResizedCrop"/> and <see cref="RandomErasing"/> (torchvision's draws):
///   area = image area · U(scale.Min, scale.Max),   aspect = exp(U(ln ratio.Min, ln ratio.Max))
/// the aspect (width / height) uniform on a log scale, so r and 1/r are equally likely.
/// </summary>
internal readonly record struct AreaAndAspect
{
    public AreaAndAspect((double Min, double Max) scale, (double Min, double Max) ratio, string scaleName, string ratioName)
    {
        Scale = AugmentArguments.Range(scale, scaleName, 0, 1, lowestOpen: true);
        Ratio = AugmentArguments.Range(ratio, ratioName, 0, double.MaxValue, lowestOpen: true,
            allowed: "min ≤ max, both positive and finite");
    }

    public (double Min, double Max) Scale { get; }
    public (double Min, double Max) Ratio { get; }

    public (double Area, double Aspect) Draw(Random random, double imageArea)
    {
        double area = imageArea * random.Uniform(Scale.Min, Scale.Max);
        double aspect = Math.Exp(random.Uniform(Math.Log(Ratio.Min), Math.Log(Ratio.Max)));
        return (area, aspect);
    }
}
