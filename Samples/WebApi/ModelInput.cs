using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// One row to score, shaped as Model Builder's generated input class: the encoded image file as <c>byte[] ImageSource</c>
/// (the trainer decodes and resizes it) and the <c>Label</c> the training pipeline's <c>MapValueToKey("Label")</c> reads,
/// left empty at scoring.
/// </summary>
public sealed class ModelInput
{
    /// <summary>The model's image column: encoded image bytes (PNG, JPEG, BMP, GIF or WebP).</summary>
    public const string ImageColumnName = "ImageSource";

    /// <summary>The model's label column (text), present in a saved pipeline that starts with <c>MapValueToKey</c>.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The uploaded file's bytes.</summary>
    [ColumnName(ImageColumnName)]
    public byte[] ImageSource { get; set; } = [];

    /// <summary>Unknown at scoring; here because the saved chain's first step reads it.</summary>
    [ColumnName(LabelColumnName)]
    public string Label { get; set; } = "";
}
