using System.Numerics.Tensors;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>
/// Updates parameters from their gradients. <see cref="Step"/> updates every parameter that is not
/// <see cref="Parameter.Frozen"/>; a frozen one keeps its value, and its state (momentum, moments) is not
/// allocated until it is first updated. Each concrete optimizer writes only its update rule
/// (<see cref="Update"/>) over per-parameter state slots allocated once, as in Keras 3's <c>update_step</c>.
/// <para>Weight decay λ (<see cref="WeightDecay"/>) applies to <see cref="ParameterRole.Weight"/> parameters
/// unless <see cref="DecayBiasesAndNormalization"/> is set. Coupled (L2, torch.optim.SGD/Adam/RMSprop):
/// g ← g + λ·w before the update, without changing <see cref="Parameter.Gradient"/>. Decoupled
/// (<see cref="DecoupledWeightDecay"/>, torch.optim.AdamW): w ← w·(1 − lr·λ) before the update.</para>
/// </summary>
public abstract class Optimizer
{
    private readonly Parameter[] _parameters;
    private readonly ParameterState?[] _state;
    private readonly int _maxLength;
    private float[]? _decayedGradient, _scratch;

    /// <param name="parameters">The parameters to update, in a stable order (the state is kept in that order).</param>
    /// <param name="learningRate">The step size (a schedule may change it every step).</param>
    protected Optimizer(IEnumerable<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        if (Array.IndexOf(_parameters, null) is var at and >= 0)
            throw new ArgumentException($"parameters[{at}] is null.", nameof(parameters));
        if (_parameters.GroupBy(p => p).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Parameter '{twice.Key.Name}' appears {twice.Count()} times; each must appear once.", nameof(parameters));
        _state = new ParameterState?[_parameters.Length];
        _maxLength = _parameters.Length == 0 ? 0 : _parameters.Max(p => p.Value.Length);
        LearningRate = Hyperparameter.NonNegative(learningRate, nameof(learningRate));
    }

    /// <summary>The parameters updated, in order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The step size of the next <see cref="Step"/>; a schedule sets it before every step.</summary>
    public float LearningRate
    {
        get;
        set => field = Hyperparameter.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>λ; 0 (no decay) except for <see cref="AdamW"/>.</summary>
    public float WeightDecay
    {
        get;
        init => field = Hyperparameter.NonNegative(value, nameof(WeightDecay));
    }

    /// <summary>Decay the weights directly (w ← w·(1 − lr·λ)) instead of adding λ·w to the gradient.</summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Decay biases and normalization scales/shifts too (by default only weights decay).</summary>
    public bool DecayBiasesAndNormalization { get; init; }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public int Steps { get; private set; }

    /// <summary>Updates every parameter that is not frozen from its gradient, then counts the step.</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.Frozen) continue;
            var state = _state[i] ??= new ParameterState(SlotCount, parameter.Value.Length);
            state.Steps++;
            Span<float> w = parameter.Value.Span;
            ReadOnlySpan<float> g = parameter.Gradient.Span;
            float decay = parameter.Role == ParameterRole.Weight || DecayBiasesAndNormalization ? WeightDecay : 0;
            if (decay > 0 && DecoupledWeightDecay)
            {
                TensorPrimitives.Multiply(w, 1 - LearningRate * decay, w);  // w ← w·(1 − lr·λ)
            }
            else if (decay > 0)
            {
                var decayed = Buffer(ref _decayedGradient, w.Length);
                TensorPrimitives.MultiplyAdd(w, decay, g, decayed);          // g ← g + λ·w
                g = decayed;
            }
            Update(w, g, state.Slots, state.Steps);
        }
        Steps++;
    }

    /// <summary>A copy of the optimizer's state (step counts, momentum and moment buffers) for <see cref="Load"/>.</summary>
    public OptimizerState Save() => new(GetType(), Steps, [.. _state.Select(s => s?.Clone())]);

    /// <summary>Restores a state saved by <see cref="Save"/> of an optimizer of the same kind over the same parameters.</summary>
    public void Load(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        bool fits = state.OptimizerType == GetType() && state.Parameters.Length == _parameters.Length &&
            state.Parameters.Select((s, i) => s is null ||
                (s.Slots.Length == SlotCount && s.Slots.All(slot => slot.Length == _parameters[i].Value.Length))).All(ok => ok);
        if (!fits)
            throw new ArgumentException(
                $"The state was saved by a {state.OptimizerType.Name} over {state.Parameters.Length} parameters; " +
                $"it does not fit this {GetType().Name} over {_parameters.Length} parameters with its settings.", nameof(state));
        for (int i = 0; i < _state.Length; i++) _state[i] = state.Parameters[i]?.Clone();
        Steps = state.Steps;
    }

    /// <summary>Number of state buffers per parameter, each as long as the parameter.</summary>
    protected abstract int SlotCount { get; }

    /// <summary>
    /// Updates <paramref name="value"/> in place from <paramref name="gradient"/> (decay already applied) and the
    /// parameter's <paramref name="slots"/>, zero before the first update; <paramref name="step"/> counts this
    /// parameter's updates from 1.
    /// </summary>
    protected abstract void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] slots, int step);

    /// <summary>A scratch buffer shared by all parameters, allocated once at the largest parameter's length.</summary>
    protected Span<float> Scratch(int length) => Buffer(ref _scratch, length);

    private Span<float> Buffer(ref float[]? buffer, int length) => (buffer ??= new float[_maxLength]).AsSpan(0, length);
}
