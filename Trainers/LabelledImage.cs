namespace MLNet.Cnn.Trainers;

/// <summary>
/// One row of an image folder: an image file and its label, the name of the label folder it is in. The type of
/// <see cref="ImageFolderData"/>'s rows, so also the input of a <c>PredictionEngine</c> over a model trained on them and
/// what <c>mlContext.Data.CreateEnumerable</c> reads them back as.
/// </summary>
public sealed class LabelledImage
{
    /// <summary>The label: the name of the first-level folder the file is in.</summary>
    public string Label { get; set; } = "";

    /// <summary>The full path of the file.</summary>
    public string ImagePath { get; set; } = "";
}
