using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// One run of <see cref="Trainer"/>: the loop of <see cref="Train"/> as named steps, one short method each, over the
/// state of the run (fixed parts first, then what changes from batch to batch and epoch to epoch). The steps read and
/// write that state in the order <see cref="Train"/>, <see cref="TrainEpoch"/> and <see cref="TrainBatch"/> call them.
/// Checkpoints save that state and set it back (the other part of this class, TrainingRun.Checkpoints.cs).
/// </summary>
internal sealed partial class TrainingRun
{
    private readonly Layer _network;
    private readonly TrainingTask _task;
    private readonly IBatchSource _train;
    private readonly IBatchSource? _validation;
    private readonly TrainerOptions _options;
    private readonly CancellationToken _cancellation;
    private readonly int _batch, _batchesPerEpoch, _imagesPerEpoch;
    private readonly Parameter[] _parameters;
    private readonly Optimizer _optimizer;
    private LearningRateSchedule? _schedule;
    private TrainingPlan _plan;
    private int _measureFrom, _replanAt;   // the step timing started at; the step of the second time plan (0: none)
    private int _scheduleFrom;             // the epochs finished when the schedule was built (it heard their ends after)
    private long _measureStart;
    private readonly ILoss _loss;
    private readonly BatchBuffers _full;
    private readonly BatchBuffers? _last;   // the last, shorter batch of an epoch; null when the batch size divides the data
    private BatchBuffers _current;
    private readonly int[] _order;
    private readonly SampleAugmenter? _augmenter;
    private readonly ScheduledPruning? _pruning;

    // the run so far
    private readonly TimeProvider _time;
    private long _start;
    private readonly List<EpochResult> _epochs = [];
    private WeightSnapshot _lastGood;
    private WeightSnapshot? _best;
    private int? _bestEpoch;
    private double _bestLoss = double.PositiveInfinity;
    private int _step, _sinceImprovement;
    private long _imagesSeen;
    private StopReason _stop = StopReason.Completed;
    private string _message = "";

    // the epoch under way
    private int _epoch, _firstStep, _seen;
    private double _lossSum, _metricSum;
    private long _epochStart;

    public TrainingRun(Layer network, TrainingTask task, IBatchSource train, IBatchSource? validation, TrainerOptions options,
        int batch, CancellationToken cancellation, TimeProvider time)
    {
        (_network, _task, _train, _validation, _options, _batch, _cancellation, _time) = (network, task, train, validation, options, batch, cancellation, time);
        // The last partial batch is trained too (as PyTorch's DataLoader does by default), unless it would hold a single
        // image: batch normalization cannot take the statistics of one image (shuffling makes it a different one every epoch).
        int rest = train.Count % batch;
        if (rest == 1) rest = 0;
        _batchesPerEpoch = train.Count / batch + (rest > 0 ? 1 : 0);
        _imagesPerEpoch = train.Count / batch * batch + rest;
        _plan = new TrainingPlan(_batchesPerEpoch, checked(options.Epochs * _batchesPerEpoch));
        _parameters = network.AllParameters().ToArray();
        _optimizer = options.CreateOptimizer(_parameters);
        _schedule = options.Schedule?.Invoke(_plan);
        _loss = options.Loss ?? task.DefaultLoss();
        _current = _full = new BatchBuffers(network, train.Layout, batch, options.BatchMixing);
        _last = rest > 0 ? new BatchBuffers(network, train.Layout, rest, options.BatchMixing) : null;
        _order = Enumerable.Range(0, train.Count).ToArray();
        _augmenter = options.Augmentation is null ? null : new SampleAugmenter(options.Augmentation, options.AugmentTargets, options.Seed, train.Layout);
        _pruning = options.Sparsity is null ? null
            : new ScheduledPruning(new MagnitudePruner(network, options.Pruning), options.Sparsity(_batchesPerEpoch));
        _lastGood = WeightSnapshot.Take(network);
        _checkpoints = options.Checkpoints is null ? null : new CheckpointFolder(options.Checkpoints);
    }

    private bool Running => _stop == StopReason.Completed;

    private TimeSpan Elapsed => _time.GetElapsedTime(_start);

    public TrainingResult Train()
    {
        _start = _time.GetTimestamp();
        var underWay = Resume();   // the epoch a checkpoint stopped in (null: it starts afresh)
        for (_epoch = _epochs.Count + 1; _epoch <= _options.Epochs && Running; _epoch++, underWay = null) TrainEpoch(underWay);
        return Finish();
    }

    private void TrainEpoch(EpochUnderWay? underWay)
    {
        int first = StartEpoch(underWay);
        for (int b = first; b < _batchesPerEpoch && Running; b++) TrainBatch(b);
        if (_stop == StopReason.Diverged) { _lastGood.Restore(); return; }
        if (_seen == 0) return;   // cancelled before its first batch
        var check = Evaluate();
        Report(EndOfEpoch(check));
        double monitored = check?.Loss ?? _epochs[^1].Loss;
        _schedule?.OnEpochEnd(_epoch, monitored);
        EarlyStop(monitored);
        CheckpointAtEpochEnd();
    }

    private void TrainBatch(int b)
    {
        if (_cancellation.IsCancellationRequested)
        {
            Stop(StopReason.Cancelled, "training was cancelled");
            CheckpointOnCancel(b);
            return;
        }
        ReadBatch(b);
        Augment(b);
        var (lossTargets, metricTargets) = Mix(b);
        Prune();
        var output = Forward();
        double loss = Loss(output, lossTargets);
        if (!double.IsFinite(loss)) { Diverge($"the loss became {loss}", b, " (try a lower learning rate)"); return; }
        _metricSum += _task.MetricSum(output, metricTargets);
        Backward();
        if (!Clip()) { Diverge("the gradient norm became non-finite", b); return; }
        Step();
        Tally(loss);
        ReportProgress(b);
        PlanForTimeLimit();
        CheckTimeLimit();
        CheckpointAfterBatch(b);
    }

    /// <summary>
    /// The epoch's order, its batches announced to the source, and the running means started over — or, in the epoch a
    /// checkpoint stopped in, taken up where they were. Returns the epoch's first batch to train.
    /// </summary>
    private int StartEpoch(EpochUnderWay? underWay)
    {
        Shuffle(_epoch);
        var (firstStep, seen, lossSum, metricSum, elapsed) = underWay ?? new EpochUnderWay(_step, 0, 0, 0, TimeSpan.Zero);
        (_epochStart, _firstStep, _lossSum, _metricSum, _seen) = (Before(elapsed), firstStep, lossSum, metricSum, seen);
        int first = _step - firstStep;   // a batch is a step
        int done = Math.Min(first * _batch, _imagesPerEpoch);   // the last batch may be the shorter one
        _train.Plan(_order.AsMemory(done, _imagesPerEpoch - done), _batch);
        return first;
    }

    /// <summary>Shuffles the order for <paramref name="epoch"/> (<see cref="EpochOrder"/>).</summary>
    private void Shuffle(int epoch) => EpochOrder.Shuffle(_order, _options.Seed, epoch);

    /// <summary>The timestamp <paramref name="elapsed"/> before now.</summary>
    private long Before(TimeSpan elapsed) => _time.GetTimestamp() - (long)(elapsed.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Batch b of the epoch's order into the buffers of its size (all full but perhaps the last).</summary>
    private void ReadBatch(int b)
    {
        _current = b * _batch + _batch <= _imagesPerEpoch ? _full : _last!;
        _train.Gather(_order.AsSpan(b * _batch, _current.Size), _current.Images, _current.Targets);
    }

    /// <summary>Each image with its own draw, seeded by the run's seed, the epoch and its index in the source.</summary>
    private void Augment(int b) =>
        _augmenter?.Apply(_current.Images, _current.Targets, new ArraySegment<int>(_order, b * _batch, _current.Size), _epoch);

    /// <summary>Pruning on its schedule (<see cref="TrainerOptions.Sparsity"/>), before the forward pass of the step.</summary>
    private void Prune() => _pruning?.BeforeStep(_step);

    /// <summary>The targets for the loss and for the metric: the batch's own, or the mixer's soft targets and dominant labels.</summary>
    private (Tensor Loss, Tensor Metric) Mix(int b)
    {
        if (_current.Mixer is not { } mixer) return (_current.Targets, _current.Targets);
        // seeded per batch; −1 − b keeps the stream apart from the per-image ones (dataset indices ≥ 0)
        mixer.Mix(_current.Images, _current.Targets, new Random(SeedMix.Of(_options.Seed, _epoch, -1 - b)));
        return (mixer.SoftTargets, mixer.DominantLabels);
    }

    private Tensor Forward() => _network.Forward(_current.Images, training: true);

    /// <summary>The batch's mean loss, its gradient in the batch's <c>Gradient</c>; NaN when the output is not finite (the loss would throw).</summary>
    private double Loss(Tensor output, Tensor targets) =>
        float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(output.Span)) ? _loss.Compute(output, targets, _current.Gradient) : double.NaN;

    private void Backward()
    {
        _network.Backward(_current.Gradient);
        _pruning?.AfterBackward();   // pruned weights get no gradient
    }

    /// <summary>Clips the global gradient norm to <see cref="TrainerOptions.GradientClipNorm"/>; false when the norm is not finite.</summary>
    private bool Clip() =>
        _options.GradientClipNorm is not { } maxNorm || double.IsFinite(GradientClipping.ClipByGlobalNorm(_parameters, maxNorm));

    private void Step()
    {
        if (_schedule is not null) _optimizer.LearningRate = _schedule.LearningRate(_step);
        _optimizer.Step();
        _pruning?.AfterStep();       // pruned weights stay zero
        _step++;
    }

    private void Tally(double loss)
    {
        _lossSum += loss * _current.Size;
        _seen += _current.Size;
        _imagesSeen += _current.Size;
    }

    /// <summary>The running means every <see cref="TrainerOptions.ProgressInterval"/> batches.</summary>
    private void ReportProgress(int b)
    {
        if ((b + 1) % _options.ProgressInterval == 0) _options.Progress?.Report(Progress(b + 1, null));
    }

    /// <summary>
    /// With a time limit: after <see cref="TimeBudget.WarmUpSteps"/>, times the next steps and, if the planned steps
    /// would not fit, plans the steps that do (<see cref="TimeBudget"/>) and rebuilds the schedule over them. The plan
    /// is made once more at <see cref="TimeBudget.ReplanStep"/> (the end of the first epoch, early in the schedule's
    /// warm-up) from the steps timed since, when the JIT has finished optimizing the hot methods.
    /// </summary>
    private void PlanForTimeLimit()
    {
        if (_options.TimeLimit is not { } limit) return;
        int warmUp = TimeBudget.WarmUpSteps(_batchesPerEpoch), firstPlan = warmUp + TimeBudget.MeasuredSteps(_batchesPerEpoch);
        if (_step == warmUp) StartTiming();
        else if (_step == firstPlan && !_plan.TimeLimited)
        {
            Plan(limit);
            if (!_plan.TimeLimited) return;
            _replanAt = TimeBudget.ReplanStep(_batchesPerEpoch, firstPlan, _plan.TotalSteps);
            StartTiming();
        }
        else if (_step == _replanAt) Plan(limit);
    }

    private void StartTiming() => (_measureStart, _measureFrom) = (_time.GetTimestamp(), _step);

    /// <summary>Plans the steps that fit at the time per step measured since <see cref="StartTiming"/>; rebuilds the schedule if the plan changes.</summary>
    private void Plan(TimeSpan limit)
    {
        int asked = checked(_options.Epochs * _batchesPerEpoch);
        double secondsPerStep = _time.GetElapsedTime(_measureStart).TotalSeconds / (_step - _measureFrom);
        int total = TimeBudget.TotalSteps(limit, Elapsed, secondsPerStep, _step, asked, _batchesPerEpoch, _validation?.Count ?? 0, _batch);
        var plan = _plan with { TotalSteps = total, TimeLimited = total < asked };
        if (plan == _plan) return;
        _plan = plan;
        _schedule = _options.Schedule?.Invoke(_plan);
        _scheduleFrom = _epochs.Count;
    }

    private void CheckTimeLimit()
    {
        if (_options.TimeLimit is not { } limit) return;
        if (_plan.TimeLimited && _step >= _plan.TotalSteps)
            Stop(StopReason.TimeLimit, $"the {_plan.TotalSteps} steps that fit in the time limit of {limit} are done, in epoch {_epoch}");
        else if (Elapsed >= limit)
            Stop(StopReason.TimeLimit, $"the time limit of {limit} was reached in epoch {_epoch}");
    }

    /// <summary>The mean loss and metric of the validation source, if there is one.</summary>
    private (double Loss, double Metric)? Evaluate() => _validation is null ? null : _task.Evaluate(_network, _validation, _loss);

    /// <summary>The epoch's row and report; its weights become the last good ones.</summary>
    private TrainingProgress EndOfEpoch((double Loss, double Metric)? check)
    {
        var report = Progress(_step - _firstStep, check) with { IsEpochEnd = true };   // the batches trained: fewer when a time limit or a cancellation cut the epoch
        _epochs.Add(new EpochResult(_epoch, report.Loss, report.Accuracy, report.MeanAbsoluteError, report.ValidationLoss,
            report.ValidationAccuracy, report.ValidationMeanAbsoluteError, _seen / _time.GetElapsedTime(_epochStart).TotalSeconds, _time.GetElapsedTime(_epochStart),
            report.Sparsity));
        _lastGood = WeightSnapshot.Take(_network);
        return report;
    }

    private void Report(TrainingProgress progress) => _options.Progress?.Report(progress);

    /// <summary>
    /// Keeps the weights of the epoch with the lowest monitored loss (validation, else training) and stops after
    /// <see cref="TrainerOptions.EarlyStoppingPatience"/> epochs without a lower one. While pruning is still under way,
    /// an epoch does not count (see <see cref="TrainerOptions.Sparsity"/>).
    /// </summary>
    private void EarlyStop(double monitored)
    {
        if (_pruning is not null && !_pruning.IsFinalFrom(_firstStep)) return;
        if (monitored < _bestLoss)
            (_bestLoss, _bestEpoch, _best, _sinceImprovement) = (monitored, _epoch, _lastGood, 0);
        else if (_options.EarlyStoppingPatience is { } patience && ++_sinceImprovement >= patience)
            Stop(StopReason.EarlyStopping, $"no lower validation loss for {patience} epochs after epoch {_bestEpoch}");
    }

    private void Stop(StopReason reason, string message) => (_stop, _message) = (reason, message);

    /// <summary>A NaN or infinite loss or gradient: stops; the epoch's end gives the network the last good weights back.</summary>
    private void Diverge(string what, int b, string hint = "") => Stop(StopReason.Diverged,
        $"{what} at epoch {_epoch}, batch {b + 1}; the network holds the weights of the last epoch that ended with a finite loss{hint}");

    private TrainingResult Finish()
    {
        if (_options.RestoreBestWeights && _best is not null && _stop != StopReason.Diverged) _best.Restore();
        if (_stop == StopReason.Completed) _message = $"{_epochs.Count} epochs";
        return new TrainingResult(_stop, _message, _epochs, _bestEpoch, Elapsed, _imagesSeen / Elapsed.TotalSeconds, _resumedFrom);
    }

    /// <summary>The running means of the epoch after <paramref name="batchIndex"/> batches, the rate, and the time left.</summary>
    private TrainingProgress Progress(int batchIndex, (double Loss, double Metric)? check)
    {
        double rate = _imagesSeen / Math.Max(Elapsed.TotalSeconds, 1e-9);
        long left = (long)(_plan.TotalSteps - _step) * _batch;
        var remaining = TimeSpan.FromSeconds(left / Math.Max(rate, 1e-9));
        if (_options.TimeLimit is { } limit && limit - Elapsed < remaining) remaining = limit - Elapsed;
        var (accuracy, meanAbsoluteError) = _task.Named(_metricSum / _seen);
        var (validationAccuracy, validationMeanAbsoluteError) = _task.Named(check?.Metric);
        return new TrainingProgress(_epoch, _plan.Epochs, batchIndex, _batchesPerEpoch, _lossSum / _seen, accuracy, meanAbsoluteError,
            _optimizer.LearningRate, rate, Elapsed, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining,
            check?.Loss, validationAccuracy, validationMeanAbsoluteError, Sparsity: _pruning?.Sparsity);
    }

    /// <summary>The tensors of a batch of <see cref="Size"/> images: read into, augmented, mixed, and the loss's gradient.</summary>
    private sealed class BatchBuffers
    {
        public BatchBuffers(Layer network, SampleLayout layout, int size, BatchMixing? mixing)
        {
            Size = size;
            Images = new Tensor(layout.ImageShape(size));
            Targets = new Tensor(layout.TargetShape(size));
            Gradient = new Tensor(network.OutputShape(Images.Shape));
            Mixer = mixing is null ? null : new BatchMixer(mixing, size, layout.ClassCount, Images.Shape);
        }

        public int Size { get; }
        public Tensor Images { get; }
        public Tensor Targets { get; }
        public Tensor Gradient { get; }
        public BatchMixer? Mixer { get; }
    }
}
