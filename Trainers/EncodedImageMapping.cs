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
    /// <summary>The contract name the mapping is saved under and found by on <c>Model.Load</c>.</summary>
    public const string ContractName = "MLNet.Cnn.DecodeImage";

    /// <summary>Runs before ML.NET builds this mapping's schema, in training and in <c>Model.Load</c> (which creates this factory first).</summary>
    static EncodedImageMapping() => ImageTypeRegistration.Ensure();

    /// <summary>The columns of the mapping (internal to the chain; the user's column is copied into <see cref="EncodedColumnName"/>).</summary>
    public const string EncodedColumnName = "CnnEncodedImage", DecodedColumnName = "CnnDecodedImage";

    /// <summary>The mapping's input row: the encoded file.</summary>
    public sealed class Input
    {
        /// <summary>The bytes of an image file (PNG, JPEG, BMP, GIF or WebP).</summary>
        [ColumnName(EncodedColumnName)] public byte[] Bytes { get; set; } = [];
    }

    /// <summary>The mapping's output row: the decoded image.</summary>
    public sealed class Output
    {
        /// <summary>The decoded image, of the file's own size.</summary>
        [ColumnName(DecodedColumnName)] public MLImage? Image { get; set; }
    }

    /// <summary>Decodes the bytes of <paramref name="input"/>; throws, with the decoder's message, when they are empty or not an image.</summary>
    public static void Map(Input input, Output output)
    {
        if (input.Bytes.Length == 0) throw new InvalidOperationException("The image bytes are empty; expected an encoded image file (PNG, JPEG, BMP, GIF or WebP).");
        try { output.Image = MLImage.CreateFromStream(new MemoryStream(input.Bytes, writable: false)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{input.Bytes.Length} bytes that are not an image MLImage can decode (PNG, JPEG, BMP, GIF or WebP): {e.Message}", e);
        }
    }

    /// <summary>The mapping ML.NET runs: <see cref="Map"/>.</summary>
    public override Action<Input, Output> GetMapping() => Map;
}
