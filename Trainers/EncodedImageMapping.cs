using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Decodes an encoded image file held as bytes — Model Builder's <c>byte[] ImageSource</c>, ML.NET's
/// <c>LoadRawImageBytes</c> (a VarVector&lt;byte&gt;) — into an MLImage (PNG, JPEG, BMP, GIF, WebP: what MLImage reads),
/// the step before resizing in the training and scoring chains of a bytes column. No built-in ML.NET transform decodes
/// bytes, so this is a <c>CustomMapping</c> under <see cref="ContractName"/>, found by <c>Model.Load</c> as
/// <see cref="BinaryScoreMapping"/> is. Bytes that do not decode throw, naming the bytes' length and the decoder's message.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class EncodedImageMapping : CustomMappingFactory<EncodedImageMapping.Input, EncodedImageMapping.Output>
{
    public const string ContractName = "MLNet.Cnn.DecodeImage";

    /// <summary>Runs before ML.NET builds this mapping's schema, in training and in <c>Model.Load</c> (which creates this factory first).</summary>
    static EncodedImageMapping() => ImageTypeRegistration.Ensure();

    /// <summary>The columns of the mapping (internal to the chain; the user's column is copied into <see cref="EncodedColumnName"/>).</summary>
    public const string EncodedColumnName = "CnnEncodedImage", DecodedColumnName = "CnnDecodedImage";

    public sealed class Input
    {
        [ColumnName(EncodedColumnName)] public byte[] Bytes { get; set; } = [];
    }

    public sealed class Output
    {
        [ColumnName(DecodedColumnName)] public MLImage? Image { get; set; }
    }

    public static void Map(Input input, Output output)
    {
        if (input.Bytes.Length == 0) throw new InvalidOperationException("The image bytes are empty; expected an encoded image file (PNG, JPEG, BMP, GIF or WebP).");
        try { output.Image = MLImage.CreateFromStream(new MemoryStream(input.Bytes, writable: false)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{input.Bytes.Length} bytes that are not an image MLImage can decode (PNG, JPEG, BMP, GIF or WebP): {e.Message}", e);
        }
    }

    public override Action<Input, Output> GetMapping() => Map;
}
