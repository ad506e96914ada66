using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The pixels a fitted pipeline feeds its network for an image column: the pipeline's steps applied one by one (through
/// nested chains and the CNN's scoring chain) up to the one that writes the internal pixel column, which the scoring chain
/// drops at its end.
/// </summary>
internal static class ChainPixels
{
    public static float[][] Of(ITransformer model, IDataView data)
    {
        foreach (var step in Steps(model))
        {
            data = step.Transform(data);
            if (data.Schema.GetColumnOrNull(ImageInput.PixelColumnName) is not null)
                return data.GetColumn<float[]>(ImageInput.PixelColumnName).ToArray();
        }
        throw new InvalidOperationException($"No step of the pipeline writes '{ImageInput.PixelColumnName}'.");
    }

    private static IEnumerable<ITransformer> Steps(ITransformer model) => model switch
    {
        CnnPredictionTransformer cnn => Steps(cnn.Scoring),
        IEnumerable<ITransformer> chain => chain.SelectMany(Steps),
        _ => [model],
    };
}
