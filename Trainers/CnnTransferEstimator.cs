using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Transfer learning: the backbone's first blocks (up to <see cref="CnnTransferOptions.FeatureLayer"/>) and a new head,
/// trained under a <see cref="TransferPolicy"/>. Reading, label checks and scoring are the multiclass trainer's, so the
/// fitted transformer is the same kind (the whole network exported as ONNX inside built-in transformers), with the
/// backbone's normalization folded into the scoring graph; training normalizes the pixels the same way.
/// </summary>
internal sealed class CnnTransferEstimator : CnnMulticlassEstimator
{
    private readonly TransferBackbone _backbone;
    private readonly int _cut;
    private readonly CnnTransferOptions _options;

    public CnnTransferEstimator(IHostEnvironment env, CnnTransferOptions options, TransferBackbone backbone)
        : base(env, options, tenCropPadding: null, "CnnTransfer", backbone.InputShape, $"of the backbone {backbone.Description}")
    {
        if (options.Network is not null)
            throw new ArgumentException($"{nameof(CnnTransferOptions.Network)} must be null: the transfer trainer builds its network from the backbone.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Policy);
        ArgumentOutOfRangeException.ThrowIfNegative(options.HeadHidden);
        if (!(options.HeadDropout is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.HeadDropout, $"{nameof(CnnTransferOptions.HeadDropout)} must be in [0, 1).");
        _options = options;
        _backbone = backbone;
        _cut = backbone.Cut(options.FeatureLayer);
        options.Policy.Choose(int.MaxValue, _cut).FrozenCount(_cut); // FreezeFirst(k) with k > kept blocks fails here, not in Fit
    }

    /// <summary>The backbone of the options: the model, or the model file.</summary>
    public static TransferBackbone Backbone(CnnTransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (options.Backbone, options.BackbonePath) switch
        {
            ({ } model, null) => new NativeBackbone(model, "in memory"),
            (null, { } path) when path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) => new OnnxBackbone(path, options.FeatureLayer, options.BackboneNormalization),
            (null, { } path) => NativeBackbone.FromFile(path),
            (null, null) => throw new ArgumentException($"Set {nameof(CnnTransferOptions.Backbone)} (a CnnModel) or {nameof(CnnTransferOptions.BackbonePath)} (a .cnn or .onnx file).", nameof(options)),
            _ => throw new ArgumentException($"Set {nameof(CnnTransferOptions.Backbone)} or {nameof(CnnTransferOptions.BackbonePath)}, not both.", nameof(options)),
        };
    }

    protected override (CnnModel Model, TrainingResult Result) Train(ImageDataset train, ImageDataset? validation, TrainerOptions trainerOptions, IChannel channel)
    {
        var o = _options;
        var blocks = _backbone.CopyBlocks(_cut);
        var featureShape = _backbone.Blocks[_cut - 1].OutputShape;
        var head = Head(blocks, featureShape.Length, train.ClassCount);
        Initializer.Initialize(head, o.Seed);

        var policy = o.Policy.Choose(train.Count, _cut);
        int frozen = policy.FrozenCount(_cut);
        string why = o.Policy.Kind == TransferPolicyKind.Auto
            ? $" (Auto: {train.Count:N0} training images; below {TransferPolicy.FreezeAllBelow:N0} freeze all, below {TransferPolicy.FreezeHalfBelow:N0} freeze the first half, else fine-tune all)"
            : "";
        channel.Info(MessageSensitivity.None, $"Transfer from {_backbone.Description}, cut after '{_backbone.Blocks[_cut - 1].Path}' " +
            $"({_cut} of {_backbone.Blocks.Count} blocks, {featureShape.Length:N0} features): policy {policy}{why}, {frozen} block(s) frozen; " +
            $"head of {head.ParameterCount:N0} parameters, {train.Count:N0} images{(validation is null ? "" : $", validating on {validation.Count:N0}")}.");

        var normalization = _backbone.Normalization;
        train = train.Normalized(normalization);
        validation = validation?.Normalized(normalization);
        TrainingResult result;
        if (frozen == _cut && trainerOptions.Augmentation is null && trainerOptions.BatchMixing is null)
        {
            // Frozen features do not change: computed once, the head trains on them.
            var features = new Sequential("backbone", [.. blocks]);
            channel.Info(MessageSensitivity.None, "The backbone is frozen: its features are computed once and cached.");
            result = Trainer.Fit(head, Features(features, train, featureShape), validation is null ? null : Features(features, validation, featureShape), trainerOptions);
        }
        else
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
            try { result = Trainer.Fit(new Sequential("transfer", [.. layers]), train, validation, trainerOptions); }
            finally
            {
                firstTrained.InputGradientNeeded = needed;
                foreach (var p in frozenParameters) p.Frozen = false;
            }
        }
        var network = new Sequential(_backbone.Name, [.. blocks, head]);
        return (new CnnModel(network, _backbone.InputShape, train.ClassNames, normalization), result);
    }

    private Sequential Head(IReadOnlyList<Layer> blocks, int features, int classes)
    {
        string name = "head";
        while (blocks.Any(b => b.Name == name)) name = "transfer_" + name;
        return Head(_options, name, features, classes);
    }

    /// <summary>flatten → [dense(hidden) → ReLU] → [dropout] → dense(classes).</summary>
    internal static Sequential Head(CnnTransferOptions o, string name, int features, int classes)
    {
        var layers = new List<Layer> { new FlattenLayer("flatten") };
        int width = features;
        if (o.HeadHidden > 0)
        {
            layers.Add(new DenseLayer("hidden", width, o.HeadHidden));
            layers.Add(new ActivationLayer("relu", new Kernels.ReLU()));
            width = o.HeadHidden;
        }
        if (o.HeadDropout > 0) layers.Add(new DropoutLayer("dropout", o.HeadDropout, o.Seed + 1));
        layers.Add(new DenseLayer("classifier", width, classes));
        return new Sequential(name, [.. layers]);
    }

    /// <summary>The backbone's output for every image, in inference mode, as a dataset of [C, H, W] (or [D, 1, 1]) "images".</summary>
    private static ImageDataset Features(Layer backbone, ImageDataset data, TensorShape featureShape)
    {
        const int batch = 256;
        int size = featureShape.Length;
        var features = new float[(long)data.Count * size];
        var images = new Tensor(Math.Min(batch, data.Count), data.Channels, data.Height, data.Width);
        for (int start = 0; start < data.Count; start += batch)
        {
            int n = Math.Min(batch, data.Count - start);
            if (n != images.Shape[0]) images = new Tensor(n, data.Channels, data.Height, data.Width);
            for (int i = 0; i < n; i++) data.Pixels(start + i).CopyTo(images.Span.Slice(i * data.ImageSize, data.ImageSize));
            backbone.Forward(images, training: false).Span.CopyTo(features.AsSpan(start * size, n * size));
        }
        var (c, h, w) = featureShape.Rank == 3 ? (featureShape[0], featureShape[1], featureShape[2]) : (size, 1, 1);
        return new ImageDataset(features, data.Labels.ToArray(), c, h, w, data.ClassNames);
    }

    /// <summary>
    /// Blocks that stay as they are while the rest of the network trains: they always run in inference mode (batch-norm
    /// statistics do not move, dropout is off) and pass no gradient down (nothing below them trains).
    /// </summary>
    private sealed class FrozenBlocks(string name, Layer[] blocks) : Layer(name)
    {
        private readonly Sequential _blocks = new(name, blocks);
        private Tensor? _zero;

        public override IReadOnlyList<Layer> Children => [_blocks];
        public override TensorShape OutputShape(TensorShape input) => _blocks.OutputShape(input);
        public override Tensor Forward(Tensor input, bool training)
        {
            if (_zero is null || _zero.Shape != input.Shape) _zero = new Tensor(input.Shape);
            return _blocks.Forward(input, training: false);
        }

        public override Tensor Backward(Tensor gradOutput) => _zero!;
    }
}
