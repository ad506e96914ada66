using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// The training loop, for classification (class labels, network output [batch, classes]) and regression (float targets,
/// output [batch, targets]) alike: shuffled mini-batches (a fresh seeded order every epoch, the last incomplete batch
/// dropped), forward, loss, backward, optional gradient clipping, optimizer step under the schedule;
/// validation after every epoch, early stopping, the best weights kept, a time limit and cancellation.
/// A NaN or infinite loss or gradient stops training with a clear message, and the network goes back to
/// the weights of the last epoch that ended with a finite loss (or to its starting weights).
/// Training batches may be augmented (<see cref="TrainerOptions.Augmentation"/>, image by image, in parallel, each image
/// with its own seeded draw) and then mixed (<see cref="TrainerOptions.BatchMixing"/>); validation never is.
/// With <see cref="TrainerOptions.Sparsity"/>, weights are pruned on its schedule before the forward pass of a step, and
/// the pruned weights and their gradients are held at zero (see <see cref="MagnitudePruner"/>).
/// All cores are used by the kernels and the augmentation; every random draw is seeded, so runs are deterministic.
/// </summary>
public static class Trainer
{
    public static TrainingResult Fit(Layer network, ImageDataset train, ImageDataset? validation, TrainerOptions options,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options.ValidateFor(train);
        if (validation is null && options.ValidationFraction > 0)
            (train, validation) = train.Split(options.ValidationFraction, options.Seed);
        if (validation is not null && !validation.HasLayoutOf(train))
            throw new ArgumentException($"The validation set has {validation.Layout}; the training set {train.Layout}.", nameof(validation));
        var task = TrainingTask.For(train);
        int batch = Math.Min(options.BatchSize, train.Count);
        int batchesPerEpoch = train.Count / batch;
        var inputShape = new TensorShape(batch, train.Channels, train.Height, train.Width);
        var outputShape = network.OutputShape(inputShape);
        if (outputShape.Rank != 2 || outputShape[1] != task.OutputWidth)
            throw new ArgumentException(
                $"The network maps a batch {inputShape} to {outputShape}; {task.ExpectedNetwork} must give [{batch}, {task.OutputWidth}].", nameof(network));

        // Nothing uses the gradient with respect to the images: the first layer may skip it (restored afterwards).
        bool inputGradientNeeded = network.InputGradientNeeded;
        network.InputGradientNeeded = false;
        try { return Train(network, task, train, validation, options, batch, batchesPerEpoch, outputShape, cancellation); }
        finally { network.InputGradientNeeded = inputGradientNeeded; }
    }

    private static TrainingResult Train(Layer network, TrainingTask task, ImageDataset train, ImageDataset? validation,
        TrainerOptions options, int batch, int batchesPerEpoch, TensorShape outputShape, CancellationToken cancellation)
    {
        var parameters = network.AllParameters().ToArray();
        var optimizer = options.CreateOptimizer(parameters);
        var schedule = options.Schedule?.Invoke(batchesPerEpoch);
        var loss = options.Loss ?? task.DefaultLoss();
        var images = new Tensor(batch, train.Channels, train.Height, train.Width);
        var targets = new Tensor(train.TargetShape(batch));
        var gradient = new Tensor(outputShape);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var augmenter = options.Augmentation is null ? null : new SampleAugmenter(options.Augmentation, options.AugmentTargets, options.Seed, train);
        var mixer = options.BatchMixing is null ? null : new BatchMixer(options.BatchMixing, batch, train.ClassCount, images.Shape);
        var pruning = options.Sparsity is null ? null
            : new ScheduledPruning(new MagnitudePruner(network, options.Pruning), options.Sparsity(batchesPerEpoch));

        var clock = Stopwatch.StartNew();
        var epochs = new List<EpochResult>();
        var lastGood = WeightSnapshot.Take(network);
        WeightSnapshot? best = null;
        int? bestEpoch = null;
        double bestLoss = double.PositiveInfinity;
        int step = 0, sinceImprovement = 0;
        long imagesSeen = 0;
        var stop = StopReason.Completed;
        string message = "";

        for (int epoch = 1; epoch <= options.Epochs && stop == StopReason.Completed; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            int firstStep = step;
            // Not HashCode.Combine: it is seeded randomly per process, which would break run-to-run determinism.
            new Random(unchecked(options.Seed * 1_000_003 + epoch)).Shuffle(order);
            double lossSum = 0, metricSum = 0;
            int seen = 0;
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                if (cancellation.IsCancellationRequested) { stop = StopReason.Cancelled; message = "training was cancelled"; break; }
                train.Gather(order.AsSpan(b * batch, batch), images, targets);
                augmenter?.Apply(images, targets, new ArraySegment<int>(order, b * batch, batch), epoch);
                var (lossTargets, metricTargets) = (targets, targets);
                if (mixer is not null)
                {
                    // seeded per batch; −1 − b keeps the stream apart from the per-image ones (dataset indices ≥ 0)
                    mixer.Mix(images, targets, new Random(SeedMix.Of(options.Seed, epoch, -1 - b)));
                    (lossTargets, metricTargets) = (mixer.SoftTargets, mixer.DominantLabels);
                }
                pruning?.BeforeStep(step);
                var output = network.Forward(images, training: true);
                // A non-finite output would make the loss throw; it is divergence, reported as such.
                double batchLoss = float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(output.Span)) ? loss.Compute(output, lossTargets, gradient) : double.NaN;
                if (!double.IsFinite(batchLoss))
                {
                    (stop, message) = (StopReason.Diverged, $"the loss became {batchLoss} at epoch {epoch}, batch {b + 1}; " +
                        "the network holds the weights of the last epoch that ended with a finite loss (try a lower learning rate)");
                    break;
                }
                metricSum += task.MetricSum(output, metricTargets);
                network.Backward(gradient);
                pruning?.AfterBackward();
                if (options.GradientClipNorm is { } maxNorm && !double.IsFinite(GradientClipping.ClipByGlobalNorm(parameters, maxNorm)))
                {
                    (stop, message) = (StopReason.Diverged, $"the gradient norm became non-finite at epoch {epoch}, batch {b + 1}; " +
                        "the network holds the weights of the last epoch that ended with a finite loss");
                    break;
                }
                if (schedule is not null) optimizer.LearningRate = schedule.LearningRate(step);
                optimizer.Step();
                pruning?.AfterStep();
                step++;
                lossSum += batchLoss * batch;
                seen += batch;
                imagesSeen += batch;
                if ((b + 1) % options.ProgressInterval == 0)
                    options.Progress?.Report(Progress(epoch, b + 1, lossSum / seen, metricSum / seen, null));
                if (options.TimeLimit is { } limit && clock.Elapsed >= limit)
                {
                    (stop, message) = (StopReason.TimeLimit, $"the time limit of {limit} was reached in epoch {epoch}");
                    break;
                }
            }
            if (stop == StopReason.Diverged)
            {
                lastGood.Restore();
                break;
            }
            if (seen == 0) break;

            (double Loss, double Metric)? check = validation is null ? null : task.Evaluate(network, validation, loss);
            var report = Progress(epoch, batchesPerEpoch, lossSum / seen, metricSum / seen, check) with { IsEpochEnd = true };
            var row = new EpochResult(epoch, report.Loss, report.Accuracy, report.MeanAbsoluteError, report.ValidationLoss,
                report.ValidationAccuracy, report.ValidationMeanAbsoluteError, seen / epochClock.Elapsed.TotalSeconds, epochClock.Elapsed,
                report.Sparsity);
            epochs.Add(row);
            lastGood = WeightSnapshot.Take(network);
            options.Progress?.Report(report);
            schedule?.OnEpochEnd(epoch, check?.Loss ?? row.Loss);

            if (pruning is not null && !pruning.IsFinalFrom(firstStep)) continue;   // see TrainerOptions.Sparsity
            double monitored = check?.Loss ?? row.Loss;
            if (monitored < bestLoss)
            {
                (bestLoss, bestEpoch, best, sinceImprovement) = (monitored, epoch, lastGood, 0);
            }
            else if (options.EarlyStoppingPatience is { } patience && ++sinceImprovement >= patience)
                (stop, message) = (StopReason.EarlyStopping, $"no lower validation loss for {patience} epochs after epoch {bestEpoch}");
        }

        if (options.RestoreBestWeights && best is not null && stop != StopReason.Diverged) best.Restore();
        if (stop == StopReason.Completed) message = $"{epochs.Count} epochs";
        return new TrainingResult(stop, message, epochs, bestEpoch, clock.Elapsed, imagesSeen / clock.Elapsed.TotalSeconds);

        TrainingProgress Progress(int epoch, int batchIndex, double meanLoss, double metric, (double Loss, double Metric)? check)
        {
            double rate = imagesSeen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            long left = (long)(options.Epochs - epoch) * batchesPerEpoch * batch + (long)(batchesPerEpoch - batchIndex) * batch;
            var remaining = TimeSpan.FromSeconds(left / Math.Max(rate, 1e-9));
            if (options.TimeLimit is { } limit && limit - clock.Elapsed < remaining) remaining = limit - clock.Elapsed;
            var (accuracy, meanAbsoluteError) = task.Named(metric);
            var (validationAccuracy, validationMeanAbsoluteError) = task.Named(check?.Metric);
            return new TrainingProgress(epoch, options.Epochs, batchIndex, batchesPerEpoch, meanLoss, accuracy, meanAbsoluteError,
                optimizer.LearningRate, rate, clock.Elapsed, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining,
                check?.Loss, validationAccuracy, validationMeanAbsoluteError, Sparsity: pruning?.Sparsity);
        }
    }
}
