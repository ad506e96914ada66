namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// What a scoring worker scores a shard with: a classifier loaded once per worker, giving each image's class
/// probabilities. <see cref="ImageScorers.Load"/> picks the kind from the model file's extension.
/// </summary>
internal interface IImageScorer : IDisposable
{
    /// <summary>The model file.</summary>
    string Path { get; }

    /// <summary>The class names in the order of the scores.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class probabilities (softmax) of each image, in <see cref="ClassNames"/> order; an image that cannot be scored is named in the error.</summary>
    float[][] Score(IReadOnlyList<string> imagePaths);
}
