namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>The scores of one image: a probability per class (softmax of the model's logits), in class order.</summary>
internal sealed record Prediction(string Name, float[] Probabilities)
{
    /// <summary>The <paramref name="count"/> most probable classes, most probable first (ties: lower index first).</summary>
    public IEnumerable<(int Class, float Probability)> Top(int count) =>
        Probabilities.Select((p, i) => (Class: i, Probability: p)).OrderByDescending(c => c.Probability).Take(count);

    /// <summary>exp(logit − max) / Σ exp(logit − max), summed in double.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = MathF.Max(max, z);
        var exp = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += exp[i] = Math.Exp(logits[i] - max);
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
