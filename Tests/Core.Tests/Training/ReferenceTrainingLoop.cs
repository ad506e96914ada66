using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// The training loop written out in one method, as it was before it became <see cref="TrainingRun"/>'s named steps
/// (commit ba12dc6): the specification <see cref="TrainingFingerprintTests"/> checks the real loop against, bit for bit,
/// with the same kernels, so the check holds on every machine and survives kernel changes. Not time-limited (the
/// fingerprint scenarios have no time limit), so its plan is always the epochs.
/// </summary>
internal static class ReferenceTrainingLoop
{
    public static TrainingResult Fit(Layer network, ImageDataset trainData, ImageDataset? validationData, TrainerOptions options)
    {
        IBatchSource train = trainData;
        IBatchSource? validation = validationData;
        if (validation is null && options.ValidationFraction > 0) (train, validation) = SubsetSource.Split(train, options.ValidationFraction, options.Seed);
        var task = TrainingTask.For(train.Layout);
        int batch = Math.Min(options.BatchSize, train.Count), rest = train.Count % batch == 1 ? 0 : train.Count % batch;
        int batchesPerEpoch = train.Count / batch + (rest > 0 ? 1 : 0), imagesPerEpoch = train.Count / batch * batch + rest;
        bool inputGradientNeeded = network.InputGradientNeeded;
        network.InputGradientNeeded = false;

        var parameters = network.AllParameters().ToArray();
        var optimizer = options.Optimizer?.Invoke(parameters) ?? new AdamW(parameters, learningRate: options.LearningRate) { WeightDecay = options.WeightDecay };
        var schedule = options.Schedule?.Invoke(new TrainingPlan(batchesPerEpoch, options.Epochs * batchesPerEpoch));
        var loss = options.Loss ?? task.DefaultLoss();
        var order = Enumerable.Range(0, train.Count).ToArray();
        var augmenter = options.Augmentation is null ? null : new SampleAugmenter(options.Augmentation, options.AugmentTargets, options.Seed, train.Layout);
        var pruning = options.Sparsity is null ? null : new ScheduledPruning(new MagnitudePruner(network, options.Pruning), options.Sparsity(batchesPerEpoch));

        var epochs = new List<EpochResult>();
        var lastGood = WeightSnapshot.Take(network);
        WeightSnapshot? best = null;
        int? bestEpoch = null;
        double bestLoss = double.PositiveInfinity;
        int step = 0, sinceImprovement = 0;
        var stop = StopReason.Completed;
        string message = "";
        for (int epoch = 1; epoch <= options.Epochs && stop == StopReason.Completed; epoch++)
        {
            int firstStep = step;
            new Random(unchecked(options.Seed * 1_000_003 + epoch)).Shuffle(order);
            double lossSum = 0, metricSum = 0;
            int seen = 0;
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                int n = Math.Min(batch, imagesPerEpoch - b * batch);
                var images = new Tensor(train.Layout.ImageShape(n));
                var targets = new Tensor(train.Layout.TargetShape(n));
                var gradient = new Tensor(network.OutputShape(images.Shape));
                var mixer = options.BatchMixing is null ? null : new BatchMixer(options.BatchMixing, n, train.Layout.ClassCount, images.Shape);
                train.Gather(order.AsSpan(b * batch, n), images, targets);
                augmenter?.Apply(images, targets, new ArraySegment<int>(order, b * batch, n), epoch);
                var (lossTargets, metricTargets) = (targets, targets);
                if (mixer is not null)
                {
                    mixer.Mix(images, targets, new Random(SeedMix.Of(options.Seed, epoch, -1 - b)));
                    (lossTargets, metricTargets) = (mixer.SoftTargets, mixer.DominantLabels);
                }
                pruning?.BeforeStep(step);
                var output = network.Forward(images, training: true);
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
                lossSum += batchLoss * n;
                seen += n;
                if ((b + 1) % options.ProgressInterval == 0) options.Progress?.Report(Progress(epoch, b + 1, lossSum / seen, metricSum / seen, null));
            }
            if (stop == StopReason.Diverged)
            {
                lastGood.Restore();
                break;
            }
            (double Loss, double Metric)? check = validation is null ? null : task.Evaluate(network, validation, loss);
            var report = Progress(epoch, batchesPerEpoch, lossSum / seen, metricSum / seen, check) with { IsEpochEnd = true };
            epochs.Add(new EpochResult(epoch, report.Loss, report.Accuracy, report.MeanAbsoluteError, report.ValidationLoss,
                report.ValidationAccuracy, report.ValidationMeanAbsoluteError, 0, TimeSpan.Zero, report.Sparsity));
            lastGood = WeightSnapshot.Take(network);
            options.Progress?.Report(report);
            schedule?.OnEpochEnd(epoch, check?.Loss ?? report.Loss);
            if (pruning is not null && !pruning.IsFinalFrom(firstStep)) continue;
            double monitored = check?.Loss ?? report.Loss;
            if (monitored < bestLoss) (bestLoss, bestEpoch, best, sinceImprovement) = (monitored, epoch, lastGood, 0);
            else if (options.EarlyStoppingPatience is { } patience && ++sinceImprovement >= patience)
                (stop, message) = (StopReason.EarlyStopping, $"no lower validation loss for {patience} epochs after epoch {bestEpoch}");
        }
        if (options.RestoreBestWeights && best is not null && stop != StopReason.Diverged) best.Restore();
        if (stop == StopReason.Completed) message = $"{epochs.Count} epochs";
        network.InputGradientNeeded = inputGradientNeeded;
        return new TrainingResult(stop, message, epochs, bestEpoch, TimeSpan.Zero, 0);

        // The figures of a report; the timings (rate, elapsed, remaining) are not part of the fingerprints.
        TrainingProgress Progress(int epoch, int batchIndex, double meanLoss, double metric, (double Loss, double Metric)? check)
        {
            var (accuracy, meanAbsoluteError) = task.Named(metric);
            var (validationAccuracy, validationMeanAbsoluteError) = task.Named(check?.Metric);
            return new TrainingProgress(epoch, options.Epochs, batchIndex, batchesPerEpoch, meanLoss, accuracy, meanAbsoluteError,
                optimizer.LearningRate, 0, TimeSpan.Zero, TimeSpan.Zero, check?.Loss, validationAccuracy, validationMeanAbsoluteError, Sparsity: pruning?.Sparsity);
        }
    }
}
