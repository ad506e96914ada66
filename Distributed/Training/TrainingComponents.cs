using MLNet.Cnn.Augment;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// The named augmentations and optimizers that a <see cref="DataParallelJob"/> may ask for by name
/// (<see cref="DataParallelJob.Augmentation"/>, <see cref="DataParallelJob.Optimizer"/>): a factory is code, which does
/// not travel between silos, so every silo registers the same factories under the same names once
/// (<c>siloBuilder.AddDataParallelTraining(components => components.AddAugmentation(…).AddOptimizer(…))</c>, or
/// <c>services.Configure&lt;TrainingComponents&gt;(…)</c>), and the job carries only the names.
/// </summary>
public sealed class TrainingComponents
{
    private readonly Dictionary<string, Func<IAugmentation>> _augmentations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IReadOnlyList<Parameter>, Optimizer>> _optimizers = new(StringComparer.Ordinal);

    /// <summary>Registers the augmentation <paramref name="name"/>: <paramref name="create"/> makes it once per worker start.</summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public TrainingComponents AddAugmentation(string name, Func<IAugmentation> create)
    {
        Register(_augmentations, "augmentation", name, create);
        return this;
    }

    /// <summary>
    /// Registers the optimizer <paramref name="name"/>: <paramref name="create"/> makes it over a replica's parameters
    /// (<see cref="TrainerOptions.Optimizer"/>), with its own learning rate (the job's <see cref="DataParallelJob.LearningRate"/>
    /// and <see cref="DataParallelJob.WeightDecay"/> are the default AdamW's only).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public TrainingComponents AddOptimizer(string name, Func<IReadOnlyList<Parameter>, Optimizer> create)
    {
        Register(_optimizers, "optimizer", name, create);
        return this;
    }

    /// <summary>
    /// The options <paramref name="job"/> trains with: <see cref="DataParallelJob.Options"/> with the augmentation and the
    /// optimizer it names made by their factories (none and the default AdamW where it names none). A single process
    /// given these options trains to the workers' weights.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The job names an augmentation or optimizer that is not registered here.</exception>
    public TrainerOptions OptionsFor(DataParallelJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Options with
        {
            Augmentation = job.Augmentation is null ? null : Find(_augmentations, "augmentation", job.Augmentation)(),
            Optimizer = job.Optimizer is null ? null : Find(_optimizers, "optimizer", job.Optimizer),
        };
    }

    private static void Register<T>(Dictionary<string, T> registry, string kind, string name, T create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        if (!registry.TryAdd(name, create))
            throw new ArgumentException($"The {kind} '{name}' is already registered.", nameof(name));
    }

    private static T Find<T>(Dictionary<string, T> registry, string kind, string name) =>
        registry.TryGetValue(name, out var create) ? create : throw new KeyNotFoundException(
            $"The job names the {kind} '{name}', which this silo does not register; it registers " +
            (registry.Count == 0 ? "none" : string.Join(", ", registry.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))) +
            $". Register it on every silo: AddDataParallelTraining(components => components.Add{char.ToUpperInvariant(kind[0])}{kind[1..]}(\"{name}\", …)).");
}
