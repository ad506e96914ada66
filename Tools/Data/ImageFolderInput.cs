using Microsoft.ML;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Data;

/// <summary><c>LoadFromImageFolder</c> for the commands: every image decoded once (so that a broken file is listed as skipped, not met half-way through training), and its refusals turned into bad input.</summary>
internal static class ImageFolderInput
{
    /// <summary>The folder's images, split per label with <paramref name="validationFraction"/> held out (0: all in <c>Train</c>).</summary>
    public static ImageFolderData Load(MLContext ml, string folder, double validationFraction, int seed)
    {
        string path = Path.GetFullPath(folder);
        if (File.Exists(path)) throw new BadInputException($"The image folder '{path}' is a file; expected a folder with one subfolder per label.");
        try
        {
            return ml.Data.LoadFromImageFolder(path, new ImageFolderOptions { ValidationFraction = validationFraction, Seed = seed, CheckImagesDecode = true });
        }
        catch (DirectoryNotFoundException e)
        {
            throw new BadInputException($"{e.Message} Expected a folder with one subfolder per label.", e);
        }
        // The loader names the folder and what it expected: images in subfolders, two labels at least.
        catch (Exception e) when (e is ArgumentException or UnauthorizedAccessException or IOException)
        {
            throw new BadInputException(e.Message, e);
        }
    }
}
