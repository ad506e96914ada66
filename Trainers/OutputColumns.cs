using Microsoft.ML;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The output column names of a CNN trainer's options (<see cref="CnnTrainerOptions.ScoreColumnName"/>,
/// <see cref="CnnClassificationOptions.PredictedLabelColumnName"/> …): their check, and the renaming step after a custom
/// mapping, whose output columns are fixed by its class (only its contract name is saved).
/// </summary>
internal static class OutputColumns
{
    /// <summary>Refuses an empty output name, or two outputs of the same name, naming the options.</summary>
    public static void Check(CnnTrainerOptions options)
    {
        var names = Of(options);
        foreach (var (option, name) in names)
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"{option} is empty; give the output column a name.", nameof(options));
        if (names.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1) is { } same)
            throw new ArgumentException($"{string.Join(" and ", same.Select(n => n.Option))} are all '{same.Key}'; each output column needs its own name.", nameof(options));
    }

    private static List<(string Option, string Name)> Of(CnnTrainerOptions options)
    {
        var names = new List<(string, string)> { (nameof(CnnTrainerOptions.ScoreColumnName), options.ScoreColumnName) };
        if (options is CnnClassificationOptions classification)
            names.Add((nameof(CnnClassificationOptions.PredictedLabelColumnName), classification.PredictedLabelColumnName));
        if (options is CnnBinaryOptions binary) names.Add((nameof(CnnBinaryOptions.ProbabilityColumnName), binary.ProbabilityColumnName));
        if (options is CnnObjectDetectionOptions detection)
            names.Add((nameof(CnnObjectDetectionOptions.PredictedBoundingBoxColumnName), detection.PredictedBoundingBoxColumnName));
        return names;
    }

    /// <summary>
    /// <paramref name="steps"/>, then the columns they write under fixed names copied to the names wanted and the fixed
    /// ones no longer wanted dropped; <paramref name="steps"/> alone when every name is the fixed one.
    /// </summary>
    public static IEstimator<ITransformer> Renamed(MLContext ml, IEstimator<ITransformer> steps, params (string Fixed, string Wanted)[] columns) =>
        Renaming(ml, columns).Aggregate(steps, (chain, step) => chain.Append(step));

    /// <summary>
    /// The renaming steps of <see cref="Renamed"/> alone (none when every name is the fixed one). Each column goes through a
    /// temporary name first: a wanted name may be another output's fixed name (Score ↔ Probability), and ML.NET copies one
    /// column per step.
    /// </summary>
    public static List<IEstimator<ITransformer>> Renaming(MLContext ml, params (string Fixed, string Wanted)[] columns)
    {
        var moved = columns.Where(c => c.Fixed != c.Wanted).ToArray();
        if (moved.Length == 0) return [];
        var steps = new List<IEstimator<ITransformer>>();
        steps.AddRange(moved.Select(c => ml.Transforms.CopyColumns(Temporary(c.Fixed), c.Fixed)));
        steps.AddRange(moved.Select(c => ml.Transforms.CopyColumns(c.Wanted, Temporary(c.Fixed))));
        var dropped = moved.Select(c => Temporary(c.Fixed)).Concat(moved.Select(c => c.Fixed).Except(columns.Select(c => c.Wanted))).ToArray();
        steps.Add(ml.Transforms.DropColumns(dropped));
        return steps;
    }

    private static string Temporary(string column) => $"CnnOutput.{column}";
}
