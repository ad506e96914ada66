namespace MLNet.Cnn.Augment;

/// <summary>
/// A random rotation by θ ~ U(−degrees, degrees) about the image centre, same size (torchvision RandomRotation with
/// expand = False): <see cref="RandomAffine"/> with rotation only. θ &gt; 0 turns clockwise on screen as in
/// torchvision's affine (its rotate counts anticlockwise); over the symmetric range the two draw the same rotations.
/// </summary>
public sealed class RandomRotation(double degrees, float fill = 0) : IAugmentation
{
    private readonly RandomAffine _affine = new(degrees, fill: fill);

    /// <summary>The rotation range: θ is drawn from [−Degrees, Degrees] degrees.</summary>
    public double Degrees => _affine.Degrees;

    /// <inheritdoc/>
    public void Apply(AugmentationSample sample, Random random) => _affine.Apply(sample, random);
}
