using Microsoft.ML;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// An image folder as ML.NET data (<c>mlContext.Data.LoadFromImageFolder</c>): a training part, an optional validation
/// part and a summary of what was found and skipped. Rows have a text <see cref="LabelColumnName"/> and a text
/// <see cref="ImagePathColumnName"/> — paths, not pixels: the views hold the list of paths and pipeline steps read each
/// file when a cursor reaches it, so a folder of 50,000 photos costs a list of 50,000 paths. A typical pipeline:
/// <c>MapValueToKey("Label") → LoadImages("Image", null, "ImagePath") → Trainers.Cnn(FeatureColumnName = "Image")</c>.
/// For the encoded bytes of each file as a <c>VarVector&lt;byte&gt;</c> (Model Builder's <c>byte[] ImageSource</c>),
/// use ML.NET's own lazy step <c>mlContext.Transforms.LoadRawImageBytes("ImageBytes", null, "ImagePath")</c>: fitted
/// and applied to these views, the trained model takes bytes (as Model Builder's does); appended to the pipeline, it
/// takes paths. There is no option for it here: it would save one line, hide that choice, and have to build the step
/// with an MLContext of its own, since <c>DataOperationsCatalog</c> keeps its environment internal.
/// </summary>
public sealed class ImageFolderData
{
    /// <summary>The label column of both views: the name of the image's label folder.</summary>
    public const string LabelColumnName = nameof(LabelledImage.Label);

    /// <summary>The path column of both views: the image file's full path (what <c>LoadImages</c> reads).</summary>
    public const string ImagePathColumnName = nameof(LabelledImage.ImagePath);

    internal ImageFolderData(IDataView train, IDataView? validation, ImageFolderSummary summary)
    {
        Train = train;
        Validation = validation;
        Summary = summary;
    }

    /// <summary>The training part, label by label in ordinal order, each label's files in ordinal order of their paths.</summary>
    public IDataView Train { get; }

    /// <summary>The validation part, ordered as <see cref="Train"/>; null when ValidationFraction is 0 or no label has two images.</summary>
    public IDataView? Validation { get; }

    /// <summary>Images per label and part, empty label folders and skipped files.</summary>
    public ImageFolderSummary Summary { get; }

    /// <summary>The summary as <see cref="ImageFolderSummary.Print"/> writes it.</summary>
    public override string ToString() => Summary.ToString();
}
