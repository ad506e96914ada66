namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// Scores a batch of images and, when the batch fails with an error that names no image (ML.NET's), scores them one by one to
/// throw an <see cref="InvalidDataException"/> naming the image at fault, the model and the innermost error.
/// </summary>
internal static class ImageFault
{
    public static float[][] ScoreNamingTheFault<TImage>(IReadOnlyList<TImage> images, Func<IReadOnlyList<TImage>, float[][]> score,
        Func<TImage, string> pathOf, string modelPath)
    {
        try { return score(images); }
        catch (Exception e) when (e is not OutOfMemoryException and not FileNotFoundException)
        {
            foreach (var image in images)
            {
                try { score([image]); }
                catch (Exception single) when (single is not OutOfMemoryException)
                {
                    throw new InvalidDataException($"The image '{pathOf(image)}' cannot be scored by the model '{modelPath}' ({Innermost(single).Message}); " +
                                                   "expected an image file (PNG, JPEG, BMP, GIF or WebP).", single);
                }
            }
            throw;
        }
    }

    /// <summary>The innermost exception of a chain (ML.NET wraps the cause in several layers).</summary>
    public static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
