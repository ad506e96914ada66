namespace MLNet.Cnn.Samples.WebApi;

/// <summary>One class of an answer: its name and its probability.</summary>
/// <param name="Label">The class name, as the training data's label.</param>
/// <param name="Probability">The model's probability for the class.</param>
public sealed record LabelProbability(string Label, float Probability);

/// <summary>The answer to one upload: the <c>k</c> most probable classes, most probable first, and the time scoring took.</summary>
/// <param name="Predictions">The top-k classes, by falling probability (ties in class order).</param>
/// <param name="ElapsedMilliseconds">The time from taking an engine from the pool to the sorted answer (not the upload).</param>
public sealed record ClassificationResponse(IReadOnlyList<LabelProbability> Predictions, double ElapsedMilliseconds);
