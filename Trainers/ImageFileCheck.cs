using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Whether a file of an image folder is an image: first by its extension (the formats ML.NET's image loader decodes),
/// then by its first bytes — the format's signature ("magic number"), a 12-byte read that catches a text or HTML file
/// named .jpg without decoding anything — and, when asked, by decoding it. Any image signature passes whatever the
/// extension says: decoders go by the content, so a PNG named .jpg loads.
/// </summary>
internal static class ImageFileCheck
{
    public static readonly string[] Extensions = ["png", "jpg", "jpeg", "bmp", "gif", "webp"];

    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path).TrimStart('.'), StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when <paramref name="path"/> passes the signature check (and, with <paramref name="decode"/>, decodes); else why not.</summary>
    public static SkippedFile? Problem(string path, bool decode)
    {
        Span<byte> head = stackalloc byte[12];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SkippedFile(path, SkipReason.Unreadable, e.Message);
        }
        if (!HasImageSignature(head[..read]))
            return new SkippedFile(path, SkipReason.NotAnImageContent, read == 0
                ? "the file is empty"
                : $"the first bytes ({Convert.ToHexString(head[..Math.Min(read, 8)])}) are no PNG, JPEG, BMP, GIF or WebP signature");
        return decode ? DecodeProblem(path) : null;
    }

    private static bool HasImageSignature(ReadOnlySpan<byte> head) =>
        head.StartsWith(Png) || head.StartsWith(Jpeg)
        || head.StartsWith("BM"u8)                                          // BMP
        || head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)       // GIF
        || head.Length == 12 && head.StartsWith("RIFF"u8) && head[8..].SequenceEqual("WEBP"u8);   // WebP: RIFF, size, WEBP

    /// <summary>\x89 P N G \r \n \x1A \n.</summary>
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Start of image, then the first marker's 0xFF.</summary>
    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static SkippedFile? DecodeProblem(string path)
    {
        try
        {
            using var image = MLImage.CreateFromFile(path);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)   // the decoder reports a bad file in several exception types
        {
            return new SkippedFile(path, SkipReason.DoesNotDecode, $"does not decode: {e.Message}");
        }
    }
}
