namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>MulticlassClassification.Trainers.Cnn</c>: the label is a key column (MapValueToKey); the network has
/// one output per key value.
/// </summary>
public sealed record CnnMulticlassOptions : CnnClassificationOptions
{
    /// <summary>Options with every default: columns <c>Features</c> and <c>Label</c>, LeNet-5, 10 epochs.</summary>
    public CnnMulticlassOptions() { }

    /// <summary>The training options and columns of <paramref name="source"/>, copied as a whole (for trainers built on this one).</summary>
    internal CnnMulticlassOptions(CnnClassificationOptions source) : base(source) { }

    /// <summary>
    /// Test-time ten-crop for a network trained with random crops of the image padded by this many pixels (e.g.
    /// <c>RandomCrop(28, 28, padding: 2)</c>): scoring averages the class probabilities of the four corner crops, the
    /// center crop and their mirror images of the padded image (null: score the image as it is). Training is unaffected.
    /// </summary>
    public int? TenCropPadding { get; init; }
}
