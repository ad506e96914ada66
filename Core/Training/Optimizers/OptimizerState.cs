namespace MLNet.Cnn.Training;

/// <summary>An in-memory snapshot of an <see cref="Optimizer"/>'s state (<see cref="Optimizer.Save"/>).</summary>
public sealed class OptimizerState
{
    internal OptimizerState(Type optimizerType, int steps, ParameterState?[] parameters)
    {
        OptimizerType = optimizerType;
        Steps = steps;
        Parameters = parameters;
    }

    /// <summary>The type of optimizer the state is of (a state loads only into the same type).</summary>
    public Type OptimizerType { get; }
    /// <summary>The optimizer's completed steps.</summary>
    public int Steps { get; }

    /// <summary>Per parameter, in the optimizer's order; null for one never updated.</summary>
    internal ParameterState?[] Parameters { get; }
}

/// <summary>One parameter's update count and state buffers (momentum, first and second moments).</summary>
internal sealed class ParameterState(float[][] slots)
{
    public ParameterState(int slotCount, int length) : this([.. Enumerable.Range(0, slotCount).Select(_ => new float[length])]) { }

    public int Steps { get; set; }
    public float[][] Slots { get; } = slots;

    public ParameterState Clone() => new([.. Slots.Select(s => (float[])s.Clone())]) { Steps = Steps };
}
