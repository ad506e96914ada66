namespace MLNet.Cnn.Augment;

/// <summary>A map from a continuous pixel position (x, y) to another (see <see cref="AugmentationSample"/>).</summary>
internal interface IPointMap
{
    (double X, double Y) Map(double x, double y);
}
