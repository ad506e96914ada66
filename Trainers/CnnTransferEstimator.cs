using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Transfer learning in a pipeline: the core's <see cref="TransferLearning"/> (backbone cut, policy, head) trained on the
/// rows the multiclass trainer reads, with its label checks and scoring, so the fitted transformer is the same kind (the
/// whole network exported as ONNX inside built-in transformers), with the backbone's normalization folded into the
/// scoring graph.
/// </summary>
internal sealed class CnnTransferEstimator : CnnMulticlassEstimator
{
    private readonly TransferLearning _transfer;

    public CnnTransferEstimator(IHostEnvironment env, CnnTransferOptions options, TransferLearning transfer)
        : base(env, options, tenCropPadding: null, "CnnTransfer", transfer.Backbone.InputShape, $"of the backbone {transfer.Backbone.Description}")
    {
        if (options.Network is not null)
            throw new ArgumentException($"{nameof(CnnTransferOptions.Network)} must be null: the transfer trainer builds its network from the backbone.", nameof(options));
        options.CheckGeometry(transfer.Backbone.InputShape.Dimensions.ToArray(), transfer.Backbone.Description);
        _transfer = transfer;
    }

    /// <summary>The transfer the options describe: the backbone (the model, or the model file), the cut, the policy and the head.</summary>
    public static TransferLearning Transfer(CnnTransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var backbone = (options.Backbone, options.BackbonePath, options.PretrainedBackbone) switch
        {
            ({ } model, null, null) => TransferBackbone.FromModel(model),
            (null, { } path, null) => TransferBackbone.FromFile(path, options.FeatureLayer, options.BackboneNormalization),
            (null, null, { } pretrained) => pretrained,
            (null, null, null) => throw new ArgumentException($"Set {nameof(CnnTransferOptions.Backbone)} (a CnnModel), {nameof(CnnTransferOptions.BackbonePath)} " +
                $"(a .cnn or .onnx file) or {nameof(CnnTransferOptions.PretrainedBackbone)} (e.g. PretrainedBackbones.ResNet18ImageNet()).", nameof(options)),
            _ => throw new ArgumentException($"Set one of {nameof(CnnTransferOptions.Backbone)}, {nameof(CnnTransferOptions.BackbonePath)} and " +
                $"{nameof(CnnTransferOptions.PretrainedBackbone)}, not several.", nameof(options)),
        };
        string? cut = options.FeatureLayer ?? (options.PretrainedBackbone is { } ready ? ready.Blocks[^1].Path : null);
        return new TransferLearning(backbone, cut, options.Policy, options.Head);
    }

    protected override (CnnModel Model, TrainingResult Result) Train(IBatchSource train, IBatchSource? validation, TrainerOptions trainerOptions, IChannel channel) =>
        _transfer.Fit(train, validation, trainerOptions, message => channel.Info(MessageSensitivity.None, message));
}
