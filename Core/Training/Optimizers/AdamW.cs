using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter, torch.optim.AdamW): w ← w·(1 − lr·λ) before the
/// Adam update, λ = 0.01 unless <see cref="Optimizer.WeightDecay"/> is set.
/// </summary>
public sealed class AdamW : Adam
{
    /// <inheritdoc cref="Adam(IEnumerable{Parameter}, float, float, float, float, bool)"/>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, bool amsgrad = false)
        : base(parameters, learningRate, beta1, beta2, epsilon, amsgrad)
    {
        WeightDecay = 0.01f;
        DecoupledWeightDecay = true;
    }
}
