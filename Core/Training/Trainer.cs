using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;

namespace MLNet.Cnn.Training;

/// <summary>
/// The training loop, for classification (class labels, network output [batch, classes]), regression (float targets,
/// output [batch, targets]), segmentation (class maps [batch, H, W], output [batch, classes, H, W]; pixel accuracy reported
/// as the accuracy) and detection (box rows [batch, maxObjects, 5], any rank-4 head output, a loss such as
/// <see cref="Detection.YoloLoss"/> given in <see cref="TrainerOptions.Loss"/>; no metric beside the loss) alike: shuffled mini-batches (a fresh seeded order every epoch; the last, shorter batch is
/// trained too unless it would hold a single image), forward, loss, backward, optional gradient clipping, optimizer step under the schedule;
/// validation after every epoch, early stopping, the best weights kept, a time limit and cancellation.
/// A NaN or infinite loss or gradient stops training with a clear message, and the network goes back to
/// the weights of the last epoch that ended with a finite loss (or to its starting weights).
/// Training batches may be augmented (<see cref="TrainerOptions.Augmentation"/>, image by image, in parallel, each image
/// with its own seeded draw) and then mixed (<see cref="TrainerOptions.BatchMixing"/>); validation never is.
/// With <see cref="TrainerOptions.Sparsity"/>, weights are pruned on its schedule before the forward pass of a step, and
/// the pruned weights and their gradients are held at zero (see <see cref="MagnitudePruner"/>).
/// All cores are used by the kernels and the augmentation; every random draw is seeded, so runs are deterministic.
/// With <see cref="TrainerOptions.Checkpoints"/>, the run's state is saved to a folder as it goes, and a run started again
/// over that folder goes on from the newest checkpoint to the weights and epoch results the run would have had without the
/// interruption.
/// The data come through <see cref="IBatchSource"/>; the steps of the loop are <see cref="TrainingRun"/>'s.
/// </summary>
public static class Trainer
{
    /// <summary>Trains on an in-memory dataset: <see cref="Fit(Layer, IBatchSource, IBatchSource?, TrainerOptions, CancellationToken)"/>.</summary>
    public static TrainingResult Fit(Layer network, ImageDataset train, ImageDataset? validation, TrainerOptions options,
        CancellationToken cancellation = default) =>
        Fit(network, (IBatchSource)train, validation, options, cancellation);

    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="train"/>, measured on <paramref name="validation"/> after every epoch.
    /// Without a validation source, <see cref="TrainerOptions.ValidationFraction"/> holds out that share of the training
    /// samples by a seeded split of their indices (<see cref="SubsetSource.Split"/>): every source is read by index, so
    /// every source can be split, and an <see cref="ImageDataset"/> gives the same split as <see cref="ImageDataset.Split"/>.
    /// </summary>
    public static TrainingResult Fit(Layer network, IBatchSource train, IBatchSource? validation, TrainerOptions options,
        CancellationToken cancellation = default) =>
        Fit(network, train, validation, options, TimeProvider.System, cancellation);

    /// <summary>As the public overload, with the clock of the time limit and the reported rates given (tests give a fake one).</summary>
    internal static TrainingResult Fit(Layer network, IBatchSource train, IBatchSource? validation, TrainerOptions options,
        TimeProvider time, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options.ValidateFor(train.Layout);
        if (train.Count <= 0) throw new ArgumentException($"The training source is empty: its Count is {train.Count}.", nameof(train));
        if (validation is null && options.ValidationFraction > 0)
        {
            (train, validation) = SubsetSource.Split(train, options.ValidationFraction, options.Seed);
            if (train.Count == 0)
                throw new ArgumentException($"ValidationFraction {options.ValidationFraction} leaves none of the {validation.Count} samples for training.", nameof(options));
        }
        if (validation is not null && !validation.Layout.Matches(train.Layout))
            throw new ArgumentException($"The validation set has {validation.Layout}; the training set {train.Layout}.", nameof(validation));
        if (validation is { Count: <= 0 }) throw new ArgumentException("The validation source is empty.", nameof(validation));
        var task = TrainingTask.For(train.Layout);
        int batch = Math.Min(options.BatchSize, train.Count);
        var inputShape = train.Layout.ImageShape(batch);
        var outputShape = network.OutputShape(inputShape);
        if (!task.Fits(outputShape))
            throw new ArgumentException(
                $"The network maps a batch {inputShape} to {outputShape}; {task.ExpectedNetwork} must give {task.ExpectedOutput(batch)}.", nameof(network));
        if (options.Loss is null) task.DefaultLoss();   // detection has none: refused here, before anything runs

        // Nothing uses the gradient with respect to the images: the first layer may skip it (restored afterwards).
        bool inputGradientNeeded = network.InputGradientNeeded;
        network.InputGradientNeeded = false;
        try { return new TrainingRun(network, task, train, validation, options, batch, cancellation, time).Train(); }
        finally
        {
            network.InputGradientNeeded = inputGradientNeeded;
            GradientBuffers.Trim();   // the gradient buffers given back by the last backward pass are not needed after training
        }
    }
}
