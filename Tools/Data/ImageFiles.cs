using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Data;

/// <summary>The image files a FILE|DIR argument names, each checked to decode (with the image-folder loader's own check).</summary>
internal static class ImageFiles
{
    /// <summary>
    /// The file itself, or the files of the folder and its subfolders with an image extension (png, jpg, jpeg, bmp, gif,
    /// webp), in ordinal order of their paths; a missing path, a folder without images or a file that does not decode is bad input.
    /// </summary>
    public static IReadOnlyList<string> Of(string fileOrFolder)
    {
        string path = Path.GetFullPath(fileOrFolder);
        string[] files;
        if (File.Exists(path)) files = [path];
        else if (Directory.Exists(path))
        {
            try
            {
                files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(ImageFileCheck.HasImageExtension).Order(StringComparer.Ordinal).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BadInputException($"The folder '{path}' cannot be read: {e.Message}", e);
            }
            if (files.Length == 0)
                throw new BadInputException($"The folder '{path}' has no image files ({Extensions}) in it or its subfolders.");
        }
        else throw new BadInputException($"'{path}' does not exist; expected an image file or a folder of images.");
        foreach (string file in files)
            if (ImageFileCheck.Problem(file, decode: true) is { } problem)
                throw new BadInputException($"'{file}' is not an image that decodes ({problem.Detail}); expected a {Extensions} file.");
        return files;
    }

    private static string Extensions => string.Join(", ", ImageFileCheck.Extensions);
}
