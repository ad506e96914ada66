using MLNet.Cnn.Training;

namespace MLNet.Cnn.Pruning;

/// <summary>
/// Gradual pruning (Zhu and Gupta 2017, "To prune, or not to prune"; TF-MOT's PolynomialDecay with power 3): the weights
/// are pruned at steps t = t₀, t₀ + Δt, …, t₀ + nΔt to
/// <code>
/// s_t = s_f + (s_i − s_f)·(1 − (t − t₀)/(nΔt))³
/// </code>
/// quickly at first, while many weights are redundant, then ever more slowly, so that training can recover between
/// prunings; after t₀ + nΔt the masks stay fixed and training fine-tunes at s_f. Steps count optimizer steps from 0,
/// as for <see cref="LearningRateSchedule"/>. One-shot pruning is n = 0 (<see cref="OneShot"/>): s_f at t₀.
/// <para>The schedule ends at t₀ + nΔt by construction, a pruning step: TF-MOT's (begin, end, frequency) never reaches
/// s_f when end − begin is not a multiple of the frequency.</para>
/// </summary>
public sealed class SparsitySchedule
{
    /// <param name="finalSparsity">s_f, the share of candidate weights pruned at the end, in [0, 1).</param>
    /// <param name="beginStep">t₀, the optimizer step of the first pruning.</param>
    /// <param name="frequency">Δt, optimizer steps between prunings, &gt; 0.</param>
    /// <param name="intervals">n, the number of intervals between the first and the last pruning (0: one-shot).</param>
    /// <param name="initialSparsity">s_i, the sparsity of the first pruning.</param>
    public SparsitySchedule(double finalSparsity, int beginStep, int frequency, int intervals, double initialSparsity = 0)
    {
        FinalSparsity = Hyperparameter.Fraction(finalSparsity, nameof(finalSparsity));
        InitialSparsity = Hyperparameter.Fraction(initialSparsity, nameof(initialSparsity));
        if (initialSparsity > finalSparsity)
            throw new ArgumentException(
                $"initialSparsity must not exceed finalSparsity (pruning only adds zeros); {initialSparsity} and {finalSparsity} were given.",
                nameof(initialSparsity));
        BeginStep = Hyperparameter.NonNegative(beginStep, nameof(beginStep));
        Frequency = Hyperparameter.Positive(frequency, nameof(frequency));
        Intervals = Hyperparameter.NonNegative(intervals, nameof(intervals));
        if (beginStep + (long)frequency * intervals > int.MaxValue)
            throw new ArgumentException(
                $"The last pruning step beginStep + frequency·intervals = {beginStep + (long)frequency * intervals} exceeds {int.MaxValue}.", nameof(intervals));
    }

    /// <summary>Prune once, at <paramref name="step"/> (default: before the first optimizer step), to <paramref name="sparsity"/>.</summary>
    public static SparsitySchedule OneShot(double sparsity, int step = 0) => new(sparsity, step, frequency: 1, intervals: 0, sparsity);

    /// <summary>s_i, the sparsity of the first pruning step.</summary>
    public double InitialSparsity { get; }

    /// <summary>s_f, the sparsity of the last pruning step and of the rest of training.</summary>
    public double FinalSparsity { get; }

    /// <summary>t₀, the step of the first pruning.</summary>
    public int BeginStep { get; }

    /// <summary>Δt, the number of steps from one pruning to the next.</summary>
    public int Frequency { get; }

    /// <summary>n, the number of intervals between the first and the last pruning (n + 1 prunings).</summary>
    public int Intervals { get; }

    /// <summary>t₀ + nΔt, the step of the last pruning.</summary>
    public int EndStep => BeginStep + Frequency * Intervals;

    /// <summary>Whether the weights are pruned (before the update) at <paramref name="step"/>.</summary>
    public bool PrunesAt(int step) => step >= BeginStep && step <= EndStep && (step - BeginStep) % Frequency == 0;

    /// <summary>
    /// The sparsity the masks hold at <paramref name="step"/>: 0 before t₀, then s_t of the latest pruning step
    /// ≤ <paramref name="step"/>, and s_f from t₀ + nΔt on.
    /// </summary>
    public double SparsityAt(int step)
    {
        if (step < BeginStep) return 0;
        if (Intervals == 0) return FinalSparsity;
        int intervalsDone = Math.Min((step - BeginStep) / Frequency, Intervals);
        double remaining = 1 - (double)intervalsDone / Intervals;   // 1 − (t − t₀)/(nΔt) at that pruning step
        return FinalSparsity + (InitialSparsity - FinalSparsity) * remaining * remaining * remaining;
    }
}
