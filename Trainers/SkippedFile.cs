namespace MLNet.Cnn.Trainers;

/// <summary>Why a file of an image folder is not in its data.</summary>
public enum SkipReason
{
    /// <summary>The file is in the folder itself, not in a label folder, so it has no label.</summary>
    NotInLabelFolder,
    /// <summary>The extension is none of png, jpg, jpeg, bmp, gif, webp (any case).</summary>
    NotAnImageExtension,
    /// <summary>The first bytes are no PNG, JPEG, BMP, GIF or WebP signature (e.g. a text file named .jpg).</summary>
    NotAnImageContent,
    /// <summary>The file could not be opened or read.</summary>
    Unreadable,
    /// <summary>Decoding failed (only checked with <see cref="ImageFolderOptions.CheckImagesDecode"/>).</summary>
    DoesNotDecode,
}

/// <summary>A file of an image folder that is not in its data: its full path, why, and the details (e.g. the decoder's message).</summary>
public sealed record SkippedFile(string Path, SkipReason Reason, string Detail);
