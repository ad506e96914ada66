// Compiled into the fresh consumer apps of PackageFeedTests, not into the test project.
using Microsoft.ML.Data;

/// <summary>One row: a 1×8×8 image as 64 floats and its label.</summary>
public sealed class Image
{
    [VectorType(StripeImages.Pixels)] public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";
}

/// <summary>One prediction: the class probabilities and the predicted label.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
}

/// <summary>Three classes of 1×8×8 images: a bright row near the top, the middle or the bottom, on noise.</summary>
public static class StripeImages
{
    public const int Side = 8, Pixels = Side * Side;
    private static readonly string[] Names = ["top", "middle", "bottom"];

    public static List<Image> Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Image>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3), row = label * 3 + random.Next(2);
            var pixels = new float[Pixels];
            for (int p = 0; p < Pixels; p++) pixels[p] = (float)random.NextDouble() * 0.5f + (p / Side == row ? 1f : 0f);
            rows.Add(new Image { Features = pixels, Label = Names[label] });
        }
        return rows;
    }

    /// <summary>Prints one line per image, "PREDICTION label score0 score1 …" (scores round-trip exactly as "R").</summary>
    public static void Print(Func<Image, Prediction> predict)
    {
        foreach (var image in Make(6, seed: 2))
        {
            var prediction = predict(image);
            Console.WriteLine($"PREDICTION {prediction.PredictedLabel} {string.Join(' ', prediction.Score.Select(s => s.ToString("R")))}");
        }
    }
}
