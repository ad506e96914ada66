namespace MLNet.Cnn.Training;

/// <summary>
/// The checkpoints of a run (<see cref="TrainerOptions.Checkpoints"/>): when one is written, what it takes of the run's state,
/// and how a run is set back to one. One is written only while the run goes on — at an epoch's end, after a batch once
/// <see cref="CheckpointOptions.Every"/> has passed — and where a cancelled run stopped; not once the run stopped early,
/// diverged or ran out of time: resumed from the checkpoint before, the run repeats its end and stops the same way.
/// </summary>
internal sealed partial class TrainingRun
{
    private readonly CheckpointFolder? _checkpoints;
    private string[]? _fingerprint;
    private CheckpointPosition? _lastCheckpoint;
    private long _lastCheckpointTime;
    private ResumedCheckpoint? _resumedFrom;

    private string[] Fingerprint => _fingerprint ??=
        CheckpointFingerprint.Of(_network, _options.Seed, _batch, _train, _validation, _optimizer, _pruning?.Pruner);

    private void CheckpointAtEpochEnd()
    {
        if (Running && _options.Checkpoints is { } checkpoints && _epoch % checkpoints.EveryEpochs == 0) Checkpoint(batch: 0);
    }

    private void CheckpointAfterBatch(int b)
    {
        if (Running && _options.Checkpoints?.Every is { } every && _time.GetElapsedTime(_lastCheckpointTime) >= every) Checkpoint(b + 1);
    }

    /// <summary>Where a cancelled run stopped, unless it stopped before its first step (nothing to save).</summary>
    private void CheckpointOnCancel(int b)
    {
        if (_checkpoints is not null && _step > 0) Checkpoint(b);
    }

    /// <summary>
    /// Writes the run's state after <paramref name="batch"/> batches of the epoch under way (0: at the end of the epoch, or
    /// before the next one's first batch), unless the last checkpoint (written or resumed from) stands there already.
    /// </summary>
    private void Checkpoint(int batch)
    {
        var position = new CheckpointPosition(_epochs.Count, batch, _step);
        if (position == _lastCheckpoint) return;
        _checkpoints!.Save(Capture(position));
        (_lastCheckpoint, _lastCheckpointTime) = (position, _time.GetTimestamp());
    }

    private Checkpoint Capture(CheckpointPosition position)
    {
        var optimizer = _optimizer.Save();
        return new Checkpoint
        {
            Fingerprint = Fingerprint,
            Position = position,
            UnderWay = position.Batch == 0
                ? new EpochUnderWay(_step, 0, 0, 0, TimeSpan.Zero)
                : new EpochUnderWay(_firstStep, _seen, _lossSum, _metricSum, _time.GetElapsedTime(_epochStart)),
            ImagesSeen = _imagesSeen,
            Elapsed = Elapsed,
            Epochs = [.. _epochs],
            BestLoss = _bestLoss,
            BestEpoch = _bestEpoch,
            SinceImprovement = _sinceImprovement,
            Plan = _plan,
            ReplanAt = _replanAt,
            ScheduleFrom = _scheduleFrom,
            LearningRate = _optimizer.LearningRate,
            OptimizerSteps = optimizer.Steps,
            OptimizerState = optimizer.Parameters,
            Weights = WeightSnapshot.Take(_network).Values,
            LastGood = _lastGood.Values,
            Best = _best?.Values,
            PruningMasks = _pruning?.Pruner.SaveMasks(),
            Draws = [.. CheckpointFingerprint.DrawingLayers(_network).Select(l => l.Layer.Draws)],
        };
    }

    /// <summary>
    /// Sets the run back to the newest checkpoint of the folder, if there is one and <see cref="CheckpointOptions.Resume"/> is
    /// on, after checking that it was written for this run (<see cref="CheckpointFingerprint"/>). Returns the epoch under way
    /// at the checkpoint; null at an epoch's end or without a checkpoint.
    /// </summary>
    private EpochUnderWay? Resume()
    {
        _lastCheckpointTime = _start;
        if (_options.Checkpoints is not { } options || _checkpoints!.Open(options.Resume) is not { } found) return null;
        var (path, c) = found;
        CheckpointFingerprint.Check(c.Fingerprint, Fingerprint, path);
        try { _optimizer.Load(new OptimizerState(_optimizer.GetType(), c.OptimizerSteps, c.OptimizerState)); }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Checkpoint '{path}' holds an optimizer state that does not fit this run's optimizer: {e.Message}", e);
        }
        _optimizer.LearningRate = c.LearningRate;
        WeightSnapshot.Of(_network, c.Weights).Restore();
        _lastGood = WeightSnapshot.Of(_network, c.LastGood);
        _best = c.Best is null ? null : WeightSnapshot.Of(_network, c.Best);
        if (c.PruningMasks is { } masks) _pruning!.Pruner.LoadMasks(masks);   // the fingerprint names the pruned layers
        foreach (var ((_, layer), draws) in CheckpointFingerprint.DrawingLayers(_network).Zip(c.Draws)) layer.Draws = draws;
        _epochs.AddRange(c.Epochs);
        (_bestLoss, _bestEpoch, _sinceImprovement) = (c.BestLoss, c.BestEpoch, c.SinceImprovement);
        (_step, _imagesSeen, _start) = (c.Position.Step, c.ImagesSeen, Before(c.Elapsed));
        RestoreSchedule(c);
        for (int epoch = 1; epoch <= _epochs.Count; epoch++) Shuffle(epoch);   // the order the next epoch is shuffled from
        (_lastCheckpoint, _resumedFrom) = (c.Position, new ResumedCheckpoint(path, c.Position));
        options.Log?.Invoke($"Resuming from '{path}', written at {c.Position}.");
        return c.Position.Batch > 0 ? c.UnderWay : null;
    }

    /// <summary>
    /// The schedule as it was: built over the options' epochs at the start, or over the checkpoint's time plan when a time
    /// limit had cut it (<see cref="PlanForTimeLimit"/>), it hears again the ends of the epochs since it was built. The
    /// steps timed before the checkpoint are lost with the old process's clock: a time-limited run starts timing again.
    /// </summary>
    private void RestoreSchedule(Checkpoint c)
    {
        if (_options.TimeLimit is not null)
        {
            _replanAt = c.ReplanAt;
            if (c.Plan.TimeLimited) (_plan, _schedule, _scheduleFrom) = (c.Plan, _options.Schedule?.Invoke(c.Plan), c.ScheduleFrom);
            StartTiming();
        }
        foreach (var e in _epochs.Skip(_scheduleFrom)) _schedule?.OnEpochEnd(e.Epoch, e.ValidationLoss ?? e.Loss);
    }
}
