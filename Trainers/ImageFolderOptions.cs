namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>mlContext.Data.LoadFromImageFolder</c>: how each label's images are split into a training and a
/// validation part, and whether every image is decoded once while loading.
/// </summary>
public sealed record ImageFolderOptions
{
    /// <summary>
    /// The part of each label's images held out for validation: default 0.2 (Model Builder's 80/20), 0 for none; at least
    /// 0 and less than 1. Taken per label (stratified), so every label with two images or more is in both parts, however
    /// unbalanced the folder is.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>
    /// Chooses the split. Where an image goes depends only on this seed and its path relative to the folder, through a
    /// fixed hash (not <see cref="string.GetHashCode()"/>, which .NET randomizes per process), so the same seed gives the
    /// same split on every machine and wherever the folder is copied to; adding images to a label moves few others.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// Decodes every image once (<c>MLImage.CreateFromFile</c>) and skips those that fail, each listed in the summary with
    /// the decoder's message. Off by default: without it loading reads only each file's first bytes, while decoding 50,000
    /// photos takes minutes; a file with a valid header but a broken body then fails later, when <c>LoadImages</c> or the
    /// trainer reaches it.
    /// </summary>
    public bool CheckImagesDecode { get; init; }
}
