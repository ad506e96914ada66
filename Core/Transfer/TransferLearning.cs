using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// Transfer learning: the backbone's first blocks (up to the feature layer) and a new <see cref="TransferHead"/>,
/// trained under a <see cref="TransferPolicy"/>. Everything that can be wrong with the cut, the policy or the head is
/// checked by the constructor, before any data is read. Training normalizes the pixels with the backbone's
/// normalization, which the returned <see cref="CnnModel"/> carries (so exports fold it into the graph).
/// </summary>
public sealed class TransferLearning
{
    private readonly TransferPolicy _policy;
    private readonly TransferHead _head;

    /// <param name="featureLayer">
    /// The top-level block to cut after (<see cref="TransferBackbone.Cut"/>; null: all but the last block, the backbone's
    /// own classifier).
    /// </param>
    public TransferLearning(TransferBackbone backbone, string? featureLayer, TransferPolicy policy, TransferHead head)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(head);
        head.Validate();
        Backbone = backbone;
        KeptBlocks = backbone.Cut(featureLayer);
        policy.Choose(int.MaxValue, KeptBlocks).FrozenCount(KeptBlocks); // FreezeFirst(k) with k > kept blocks fails here, not in Fit
        _policy = policy;
        _head = head;
    }

    /// <summary>The pretrained network whose features the head learns on.</summary>
    public TransferBackbone Backbone { get; }

    /// <summary>How many top-level blocks of the backbone the cut keeps.</summary>
    public int KeptBlocks { get; }

    /// <summary>The backbone's output at the cut for one image.</summary>
    public TensorShape FeatureShape => Backbone.Blocks[KeptBlocks - 1].OutputShape;

    /// <summary>
    /// Builds and trains the network on <paramref name="train"/> (pixels as the backbone's own training saw them before
    /// its normalization) and returns it with the training history; <paramref name="log"/> receives what was decided.
    /// With every kept block frozen and no augmentation or batch mixing, the backbone's features are computed once and
    /// the head trains on them.
    /// </summary>
    public (CnnModel Model, TrainingResult Result) Fit(IBatchSource train, IBatchSource? validation, TrainerOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var blocks = Backbone.CopyBlocks(KeptBlocks);
        var head = _head.Build(HeadName(blocks), FeatureShape.Length, train.Layout.ClassCount, options.Seed);
        Initializer.Initialize(head, options.Seed);

        var policy = _policy.Choose(train.Count, KeptBlocks);
        int frozen = policy.FrozenCount(KeptBlocks);
        string why = _policy.Kind == TransferPolicyKind.Auto
            ? $" (Auto: {train.Count:N0} training images; below {TransferPolicy.FreezeAllBelow:N0} freeze all, below {TransferPolicy.FreezeHalfBelow:N0} freeze the first half, else fine-tune all)"
            : "";
        log?.Invoke($"Transfer from {Backbone.Description}, cut after '{Backbone.Blocks[KeptBlocks - 1].Path}' " +
            $"({KeptBlocks} of {Backbone.Blocks.Count} blocks, {FeatureShape.Length:N0} features): policy {policy}{why}, {frozen} block(s) frozen; " +
            $"head of {head.ParameterCount:N0} parameters, {train.Count:N0} images{(validation is null ? "" : $", validating on {validation.Count:N0}")}.");

        var normalization = Backbone.Normalization;
        train = NormalizedSource.Of(train, normalization);
        validation = validation is null ? null : NormalizedSource.Of(validation, normalization);
        TrainingResult result;
        if (frozen == KeptBlocks && options.Augmentation is null && options.BatchMixing is null)
        {
            // Frozen features do not change: computed once, the head trains on them.
            var features = new Sequential("backbone", [.. blocks]);
            log?.Invoke("The backbone is frozen: its features are computed once and cached.");
            result = Trainer.Fit(head, Features(features, train), validation is null ? null : Features(features, validation), options);
        }
        else result = FitPartlyFrozen(blocks, frozen, head, train, validation, options);
        var network = new Sequential(Backbone.Name, [.. blocks, head]);
        return (new CnnModel(network, Backbone.InputShape, train.Layout.ClassNames, normalization), result);
    }

    private static TrainingResult FitPartlyFrozen(IReadOnlyList<Layer> blocks, int frozen, Layer head, IBatchSource train, IBatchSource? validation,
        TrainerOptions options)
    {
        var frozenParameters = blocks.Take(frozen).SelectMany(b => b.AllParameters()).ToList();
        foreach (var p in frozenParameters) p.Frozen = true;
        var layers = new List<Layer>();
        if (frozen > 0) layers.Add(new FrozenBlocks("frozen", blocks.Take(frozen).ToArray()));
        layers.AddRange(blocks.Skip(frozen));
        layers.Add(head);
        // No gradient is needed below the first trained layer.
        var firstTrained = layers[frozen > 0 ? 1 : 0];
        bool needed = firstTrained.InputGradientNeeded;
        firstTrained.InputGradientNeeded = false;
        try { return Trainer.Fit(new Sequential("transfer", [.. layers]), train, validation, options); }
        finally
        {
            firstTrained.InputGradientNeeded = needed;
            foreach (var p in frozenParameters) p.Frozen = false;
        }
    }

    /// <summary>"head", or a longer name when a kept block is already called so.</summary>
    private static string HeadName(IReadOnlyList<Layer> blocks)
    {
        string name = "head";
        while (blocks.Any(b => b.Name == name)) name = "transfer_" + name;
        return name;
    }

    /// <summary>
    /// The backbone's output for every image, in inference mode, as an in-memory dataset of [C, H, W] (or [D, 1, 1])
    /// "images" (features are far smaller than the images: 512 floats for 3×224×224 at ResNet-18's pooling).
    /// </summary>
    private ImageDataset Features(Layer backbone, IBatchSource data)
    {
        var featureShape = FeatureShape;
        int size = featureShape.Length;
        var features = new float[(long)data.Count * size];
        var labels = new int[data.Count];
        EvaluationPass.ForEachBatch(data, batchSize: 256, (start, images, targets) =>
        {
            backbone.Forward(images, training: false).Span.CopyTo(features.AsSpan(start * size, images.Shape[0] * size));
            for (int i = 0; i < targets.Shape[0]; i++) labels[start + i] = (int)targets.Span[i];
        });
        var (c, h, w) = featureShape.Rank == 3 ? (featureShape[0], featureShape[1], featureShape[2]) : (size, 1, 1);
        return new ImageDataset(features, labels, c, h, w, data.Layout.ClassNames);
    }
}
