using MLNet.Cnn.Models;

namespace MLNet.Cnn.Tool.Models;

/// <summary>Loads the core's model file (<c>model.cnn</c>: network, input shape, class names) for <c>summary</c> and <c>export</c>.</summary>
internal static class CoreModelFile
{
    /// <summary>The model that <paramref name="model"/> names (see <see cref="ModelFiles.CoreModelOf"/>); a file that does not load is bad input, with ModelFile's reason.</summary>
    public static CnnModel Load(string model)
    {
        string path = ModelFiles.CoreModelOf(model);
        try { return ModelFile.Load(path); }
        // ModelFile names the file and what is wrong with it (truncated, corrupt, newer format, not a model file).
        catch (InvalidDataException e) { throw new BadInputException(e.Message, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"The model file '{path}' cannot be read: {e.Message}", e);
        }
    }
}
