using MLNet.Cnn.Models;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>MulticlassClassification.Trainers.CnnTransfer</c>: a trained network (the backbone) cut after one of its
/// top-level blocks, with a new head (dense to the classes, optionally one hidden ReLU layer) trained on a key label.
/// The input geometry and normalization are the backbone's: leave <see cref="CnnTrainerOptions.Channels"/>,
/// <see cref="CnnTrainerOptions.Height"/> and <see cref="CnnTrainerOptions.Width"/> out or give the backbone's (others
/// are refused), and
/// <see cref="CnnTrainerOptions.Network"/> must stay null. Every training option (epochs, optimizer, schedule, loss,
/// validation, early stopping, augmentation, mixing, pruning, progress …) works as for the other CNN trainers; the
/// transfer itself is the core's <see cref="TransferLearning"/>.
/// </summary>
public sealed record CnnTransferOptions : CnnClassificationOptions
{
    /// <summary>The trained network to start from (it is copied, never changed). Set this, <see cref="BackbonePath"/> or <see cref="PretrainedBackbone"/>.</summary>
    public CnnModel? Backbone { get; init; }

    /// <summary>
    /// A <c>.cnn</c> model file (<see cref="ModelFile"/>) or an <c>.onnx</c> file (imported into the core; then
    /// <see cref="FeatureLayer"/> names the ONNX value or node to cut at, e.g. "features") to start from. Set this,
    /// <see cref="Backbone"/> or <see cref="PretrainedBackbone"/>.
    /// </summary>
    public string? BackbonePath { get; init; }

    /// <summary>
    /// A backbone ready to use — <see cref="PretrainedBackbones.ResNet18ImageNet"/>, ML.NET's ImageNet ResNet-18 — or any
    /// <see cref="TransferBackbone"/>. Set this, <see cref="Backbone"/> or <see cref="BackbonePath"/>. Without
    /// <see cref="FeatureLayer"/> the cut is after its last block (a pretrained feature extractor has no classifier to drop).
    /// </summary>
    public TransferBackbone? PretrainedBackbone { get; init; }

    /// <summary>
    /// Where to cut: the name of a top-level block of the backbone (a child of its root layer, as
    /// <see cref="LayerPaths.List"/> lists it without '/'); the blocks up to and including it are kept. Null: every block
    /// but the last (the backbone's own classifier). An unknown name gives an error that lists the blocks. For an ONNX
    /// backbone: the value or node to take the features from (required).
    /// </summary>
    public string? FeatureLayer { get; init; }

    /// <summary>
    /// For an ONNX backbone without our normalization metadata: the per-channel (x − mean) / std its training used
    /// (null: none — the pixels go in as they are).
    /// </summary>
    public Normalization? BackboneNormalization { get; init; }

    /// <summary>
    /// Run an <c>.onnx</c> backbone with ONNX Runtime (ML.NET's ApplyOnnxModel) instead of importing it — for networks
    /// the importer cannot handle. The backbone is then frozen, <see cref="FeatureLayer"/> must be one of its graph
    /// outputs, and its features are computed once; only the head trains.
    /// </summary>
    public bool BackboneOnOnnxRuntime { get; init; }

    /// <summary>Which kept blocks train; default <see cref="TransferPolicy.Auto"/> (chosen by the training-set size).</summary>
    public TransferPolicy Policy { get; init; } = TransferPolicy.Auto;

    /// <summary>The new head: by default one dense layer to the classes; optionally a hidden ReLU layer and dropout.</summary>
    public TransferHead Head { get; init; } = new();

    /// <summary>
    /// Refuses a geometry that is neither left out nor the backbone's <paramref name="input"/> [C, H, W]:
    /// the network takes the backbone's input whatever the options say.
    /// </summary>
    internal void CheckGeometry(IReadOnlyList<int> input, string backbone)
    {
        int?[] given = [Channels, Height, Width];
        if (given.Zip(input).All(p => p.First is null || p.First == p.Second)) return;
        throw new ArgumentException($"{nameof(Channels)}, {nameof(Height)} and {nameof(Width)} are {string.Join("×", given.Select(g => g?.ToString() ?? "(unset)"))}, but the backbone " +
            $"{backbone} takes {string.Join("×", input)}; leave them out (the transfer trainer takes the backbone's input) or give the backbone's.");
    }
}
