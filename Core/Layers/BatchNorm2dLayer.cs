using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Batch normalization over N, H, W per channel (torch.nn.BatchNorm2d): training normalizes with the batch
/// statistics and updates the running ones (momentum, unbiased variance); inference uses the running ones.
/// γ starts at 1, β at 0, running mean at 0 and variance at 1. With <see cref="UseRunningStatistics"/> training normalizes
/// with the running statistics too (frozen batch norm).
/// </summary>
public sealed class BatchNorm2dLayer : Layer, IInferenceBehaviour
{
    private readonly Parameter _gamma, _beta;
    private readonly Tensor _runningMean, _runningVar, _saveMean, _saveInvStd;
    private Tensor? _input;
    private bool _frozenPass; // whether the last training pass normalized with the running statistics

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="channels">C of the input [N, C, H, W].</param>
    /// <param name="momentum">The weight of the batch statistics in the running ones: running = (1 − m)·running + m·batch.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public BatchNorm2dLayer(string name, int channels, float momentum = 0.1f, float epsilon = 1e-5f) : base(name)
    {
        if (channels <= 0) throw new ArgumentException($"channels must be positive; {channels} was given.", nameof(channels));
        Channels = channels; Momentum = momentum; Epsilon = epsilon;
        _gamma = new Parameter($"{name}.weight", new Tensor(channels), ParameterRole.Normalization);
        _gamma.Value.Span.Fill(1f);
        _beta = new Parameter($"{name}.bias", new Tensor(channels), ParameterRole.Normalization);
        _runningMean = new Tensor(channels);
        _runningVar = new Tensor(channels);
        _runningVar.Span.Fill(1f);
        _saveMean = new Tensor(channels);
        _saveInvStd = new Tensor(channels);
    }

    /// <summary>C, the channels normalized.</summary>
    public int Channels { get; }
    /// <summary>The weight of the batch statistics when the running ones are updated.</summary>
    public float Momentum { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }
    /// <summary>γ [C], the learned scale.</summary>
    public Parameter Gamma => _gamma;
    /// <summary>β [C], the learned shift.</summary>
    public Parameter Beta => _beta;
    /// <summary>The running mean [C] that inference normalizes with.</summary>
    public Tensor RunningMean => _runningMean;
    /// <summary>The running (unbiased) variance [C] that inference normalizes with.</summary>
    public Tensor RunningVariance => _runningVar;

    /// <summary>
    /// Frozen batch norm (torchvision's FrozenBatchNorm2d, a Keras BatchNormalization with trainable False): training passes
    /// normalize with the running statistics, as inference does, and leave them as they are; backward treats them as
    /// constants: ∂L/∂x = ∂L/∂y·γ/√(running var + ε), ∂L/∂γ = Σ ∂L/∂y·x̂, ∂L/∂β = Σ ∂L/∂y with x̂ = (x − running mean)/√(running var + ε).
    /// For fine-tuning with small batches, and for gradients at inference (<see cref="InferenceGradients"/>). γ and β still
    /// get gradients (mark them <see cref="Parameter.Frozen"/> to keep them). A setting of the run, not saved with the model.
    /// </summary>
    public bool UseRunningStatistics { get; set; }

    bool IInferenceBehaviour.BehaveAsInference
    {
        get => UseRunningStatistics;
        set => UseRunningStatistics = value;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [_gamma, _beta];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Tensor Value)> Buffers =>
        [($"{Name}.running_mean", _runningMean), ($"{Name}.running_var", _runningVar)];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4 || input[1] != Channels) throw BadInput(input, $"[N, {Channels}, H, W]");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBuffer(OutputShape(input.Shape));
        _frozenPass = UseRunningStatistics;
        if (training && !_frozenPass)
            BatchNorm2d.ForwardTraining(input, _gamma.Value, _beta.Value, _runningMean, _runningVar, Momentum, Epsilon,
                output, _saveMean, _saveInvStd);
        else
            BatchNorm2d.ForwardInference(input, _gamma.Value, _beta.Value, _runningMean, _runningVar, Epsilon, output);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var gradInput = GradInputBuffer(input.Shape);
        if (_frozenPass)
            BatchNorm2d.BackwardInference(input, gradOutput, _gamma.Value, _runningMean, _runningVar, Epsilon, gradInput,
                _gamma.Gradient, _beta.Gradient);
        else
            BatchNorm2d.BackwardTraining(input, gradOutput, _gamma.Value, _saveMean, _saveInvStd, gradInput, _gamma.Gradient,
                _beta.Gradient);
        return gradInput;
    }
}
