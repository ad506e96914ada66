using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// One worker's replica in synchronous data-parallel training: the network, its optimizer, and the training data read in
/// the order <see cref="Trainer"/> would read it. Every step, each of N workers computes the gradient over its slice of the
/// global batch (<see cref="Gradients"/>), a coordinator sums the N shards in worker order (<see cref="GradientShard.Sum"/>)
/// and hands the sum to every replica, which steps its optimizer (<see cref="Apply"/>). The replicas start from the same
/// weights and apply the same sums, so they stay equal, and equal to one process training on the same global batches.
/// <para>What is the same as <see cref="Trainer.Fit(Layer, IBatchSource, IBatchSource?, TrainerOptions, CancellationToken)"/>
/// with the same options: the epoch orders (<see cref="EpochOrder"/>), the batches (<see cref="DataParallelPlan"/>), the
/// augmentation (each image's own draw, seeded by seed, epoch and dataset index — not by worker), the optimizer, the loss,
/// gradient clipping (on the summed gradient). What is not: batch normalization's batch statistics and dropout's masks
/// are each replica's own (as in PyTorch's DistributedDataParallel), so a network with either trains differently, though
/// as well; and the loss must be a mean of per-image terms (all the built-in classification and regression losses are).
/// Options that need the whole run's view are refused: a schedule, batch mixing, pruning, a time limit, validation and
/// early stopping.</para>
/// <para>The summed gradient equals the whole batch's within float rounding, not to the bit: each shard sums its images
/// inside the kernels, and (a + b) + c is not a + (b + c) in floats. Making it bit-identical for any N would need every
/// worker to send one gradient per fixed chunk of images (chunks × the gradient bytes) or an exact (integer) sum; the
/// fixed worker order makes every run with the same N identical to the bit.</para>
/// </summary>
public sealed class DataParallelReplica
{
    private readonly Layer _network;
    private readonly IBatchSource _train;
    private readonly TrainerOptions _options;
    private readonly Parameter[] _parameters;
    private readonly Optimizer _optimizer;
    private readonly ILoss _loss;
    private readonly SampleAugmenter? _augmenter;
    private readonly CheckpointFolder? _checkpoints;
    private readonly Dictionary<int, (Tensor Images, Tensor Targets, Tensor Gradient)> _buffers = [];
    private readonly int[] _order;
    private int _orderEpoch;   // the epoch _order is the order of (0: not shuffled yet)
    private string[]? _fingerprint;

    /// <param name="network">The replica's network, initialized as every other replica's (e.g. loaded from the same model file). Its input gradient is switched off: nothing needs it.</param>
    /// <param name="train">The training data, the same on every worker.</param>
    /// <param name="options">The run's options, the same on every worker; <see cref="TrainerOptions.Checkpoints"/> names the folder of <see cref="SaveCheckpoint"/> and <see cref="Resume"/>.</param>
    public DataParallelReplica(Layer network, IBatchSource train, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options.ValidateFor(train.Layout);
        Refuse(options);
        var task = TrainingTask.For(train.Layout);
        Plan = new DataParallelPlan(train.Count, options.BatchSize, options.Epochs);
        var output = network.OutputShape(train.Layout.ImageShape(Plan.BatchSize));
        if (!task.Fits(output))
            throw new ArgumentException($"The network gives {output}; {task.ExpectedNetwork} must give {task.ExpectedOutput(Plan.BatchSize)}.", nameof(network));
        (_network, _train, _options) = (network, train, options);
        _network.InputGradientNeeded = false;
        _parameters = [.. network.AllParameters()];
        _optimizer = options.CreateOptimizer(_parameters);
        _loss = options.Loss ?? task.DefaultLoss();
        _augmenter = options.Augmentation is null ? null : new SampleAugmenter(options.Augmentation, options.AugmentTargets, options.Seed, train.Layout);
        _checkpoints = options.Checkpoints is null ? null : new CheckpointFolder(options.Checkpoints);
        _order = new int[train.Count];
        GradientLength = GradientShard.LengthOf(_parameters);
    }

    /// <summary>The run's steps and batches.</summary>
    public DataParallelPlan Plan { get; }

    /// <summary>The optimizer steps taken: the step the next <see cref="Gradients"/> is for.</summary>
    public int Step { get; private set; }

    /// <summary>The values of a gradient shard: all the parameters' together.</summary>
    public int GradientLength { get; }

    /// <summary>The replica's network (its weights after the steps applied so far).</summary>
    public Layer Network => _network;

    /// <summary>
    /// Forward and backward over images [<paramref name="start"/>, <paramref name="end"/>) of the global batch of
    /// <paramref name="step"/> (which must be <see cref="Step"/>: a replica that missed a step is refused), augmented as
    /// the trainer would; returns their share of the global batch's gradient (<see cref="GradientShard"/>).
    /// </summary>
    public GradientShard Gradients(int step, int start, int end)
    {
        if (step != Step)
            throw new InvalidOperationException($"This replica is at step {Step}; it was asked for the gradients of step {step} (it missed or repeated a step).");
        int length = Plan.BatchLength(step);
        if (start < 0 || end < start || end > length)
            throw new ArgumentOutOfRangeException(nameof(start), $"The slice [{start}, {end}) is not within the {length} images of the global batch of step {step}.");
        int n = end - start;
        var gradient = new float[GradientLength];
        if (n == 0) return new GradientShard(gradient, 0, 0);

        var (epoch, batch) = Plan.Position(step);
        var indices = new ArraySegment<int>(OrderOf(epoch), batch * Plan.BatchSize + start, n);
        var (images, targets, lossGradient) = Buffers(n);
        _train.Gather(indices, images, targets);
        _augmenter?.Apply(images, targets, indices, epoch);
        var output = _network.Forward(images, training: true);
        double meanLoss = _loss.Compute(output, targets, lossGradient);
        _network.Backward(lossGradient);
        GradientShard.Flatten(_parameters, (float)n / length, gradient);   // the slice's mean → its share of the batch's mean
        return new GradientShard(gradient, meanLoss * n, n);
    }

    /// <summary>
    /// Steps the optimizer with the summed gradient of all the workers (<see cref="GradientShard.Sum"/>), clipped first
    /// when <see cref="TrainerOptions.GradientClipNorm"/> is set. A non-finite loss or gradient norm is refused (the
    /// weights stay as they are): training diverged.
    /// </summary>
    public void Apply(GradientShard sum)
    {
        ArgumentNullException.ThrowIfNull(sum);
        if (sum.Gradient.Length != GradientLength)
            throw new ArgumentException($"The summed gradient holds {sum.Gradient.Length} values; this network's parameters hold {GradientLength}.", nameof(sum));
        if (!double.IsFinite(sum.LossSum))
            throw new InvalidOperationException($"The loss became {sum.LossSum} at step {Step}: training diverged (try a lower learning rate).");
        GradientShard.Unflatten(sum.Gradient, _parameters);
        if (_options.GradientClipNorm is { } maxNorm && !double.IsFinite(GradientClipping.ClipByGlobalNorm(_parameters, maxNorm)))
            throw new InvalidOperationException($"The gradient norm became non-finite at step {Step}: training diverged.");
        _optimizer.Step();
        Step++;
    }

    /// <summary>
    /// Writes the replica's state (weights, optimizer state, step) to <see cref="TrainerOptions.Checkpoints"/>'s folder with
    /// the trainer's checkpoint format. All replicas hold the same state, so one of them writes it.
    /// </summary>
    public void SaveCheckpoint()
    {
        var checkpoints = _checkpoints ?? throw new InvalidOperationException($"{nameof(TrainerOptions.Checkpoints)} is not set: there is no folder to write checkpoints to.");
        var optimizer = _optimizer.Save();
        var weights = WeightSnapshot.Take(_network).Values;
        int epochs = Step / Plan.BatchesPerEpoch, batch = Step % Plan.BatchesPerEpoch;
        checkpoints.Save(new Checkpoint
        {
            Fingerprint = Fingerprint,
            Position = new CheckpointPosition(epochs, batch, Step),
            UnderWay = new EpochUnderWay(Step - batch, 0, 0, 0, TimeSpan.Zero),
            ImagesSeen = (long)epochs * Plan.ImagesPerEpoch + (long)batch * Plan.BatchSize,
            Elapsed = TimeSpan.Zero,
            Epochs = [],
            BestLoss = double.PositiveInfinity,
            BestEpoch = null,
            SinceImprovement = 0,
            Plan = new TrainingPlan(Plan.BatchesPerEpoch, Plan.TotalSteps),
            ReplanAt = 0,
            ScheduleFrom = 0,
            LearningRate = _optimizer.LearningRate,
            OptimizerSteps = optimizer.Steps,
            OptimizerState = optimizer.Parameters,
            Weights = weights,
            LastGood = weights,
            Best = null,
            PruningMasks = null,
            Draws = [.. CheckpointFingerprint.DrawingLayers(_network).Select(l => l.Layer.Draws)],
        });
    }

    /// <summary>
    /// Sets the replica back to the newest checkpoint of <see cref="TrainerOptions.Checkpoints"/>'s folder (when its
    /// <see cref="CheckpointOptions.Resume"/> is on), after checking it was written for this run; returns where it stood,
    /// null when there is none (the replica stays at its start).
    /// </summary>
    public CheckpointPosition? Resume()
    {
        var checkpoints = _checkpoints ?? throw new InvalidOperationException($"{nameof(TrainerOptions.Checkpoints)} is not set: there is no folder to resume from.");
        if (checkpoints.Open(_options.Checkpoints!.Resume) is not var (path, c)) return null;
        CheckpointFingerprint.Check(c.Fingerprint, Fingerprint, path);
        _optimizer.Load(new OptimizerState(_optimizer.GetType(), c.OptimizerSteps, c.OptimizerState));
        _optimizer.LearningRate = c.LearningRate;
        WeightSnapshot.Of(_network, c.Weights).Restore();
        foreach (var ((_, layer), draws) in CheckpointFingerprint.DrawingLayers(_network).Zip(c.Draws)) layer.Draws = draws;
        Step = c.Position.Step;
        _options.Checkpoints.Log?.Invoke($"Resuming from '{path}', written at {c.Position}.");
        return c.Position;
    }

    /// <summary>The trainer's fingerprint, marked as data-parallel: a checkpoint of one kind of run cannot resume the other.</summary>
    private string[] Fingerprint => _fingerprint ??=
        [.. CheckpointFingerprint.Of(_network, _options.Seed, Plan.BatchSize, _train, null, _optimizer, null), "data-parallel"];

    /// <summary>The order of <paramref name="epoch"/>, shuffled on from the order held (from the start when it is a later epoch's).</summary>
    private int[] OrderOf(int epoch)
    {
        if (_orderEpoch > epoch || _orderEpoch == 0)
        {
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            _orderEpoch = 0;
        }
        for (; _orderEpoch < epoch; _orderEpoch++) EpochOrder.Shuffle(_order, _options.Seed, _orderEpoch + 1);
        return _order;
    }

    /// <summary>The tensors of a slice of <paramref name="n"/> images, made once per slice size.</summary>
    private (Tensor Images, Tensor Targets, Tensor Gradient) Buffers(int n)
    {
        if (_buffers.TryGetValue(n, out var buffers)) return buffers;
        var images = new Tensor(_train.Layout.ImageShape(n));
        buffers = (images, new Tensor(_train.Layout.TargetShape(n)), new Tensor(_network.OutputShape(images.Shape)));
        _buffers[n] = buffers;
        return buffers;
    }

    private static void Refuse(TrainerOptions options)
    {
        string? refused =
            options.Schedule is not null ? $"{nameof(TrainerOptions.Schedule)} (a schedule hears the epochs' losses, which no replica sees whole)" :
            options.BatchMixing is not null ? $"{nameof(TrainerOptions.BatchMixing)} (it mixes images across the whole batch)" :
            options.Sparsity is not null ? $"{nameof(TrainerOptions.Sparsity)} (pruning)" :
            options.TimeLimit is not null ? $"{nameof(TrainerOptions.TimeLimit)}" :
            options.ValidationFraction > 0 ? $"{nameof(TrainerOptions.ValidationFraction)} (validate the trained network afterwards)" :
            options.EarlyStoppingPatience is not null ? $"{nameof(TrainerOptions.EarlyStoppingPatience)}" :
            null;
        if (refused is not null)
            throw new NotSupportedException($"Data-parallel training does not support {refused}; leave it unset.");
    }
}
