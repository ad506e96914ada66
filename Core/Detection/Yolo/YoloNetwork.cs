using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// A YOLO-family detector network on any backbone: the backbone's stages (<see cref="BackboneStages.Split"/>), a top-down
/// feature pyramid (FPN / YOLOv3 style: from the deepest stage, nearest 2× upsampling, concatenation with the next
/// shallower stage's map, conv3×3 → BN → ReLU) down to the head's stride, then conv3×3 → BN → ReLU and a 1×1 convolution
/// to <see cref="YoloHead.Channels"/>: [N, C, H, W] → [N, A·(5 + K), H/stride, W/stride].
/// <para>One output grid fed by several scales: the project's layers have one output, so instead of YOLOv3's three heads
/// the deeper maps are merged into the head's grid (their context reaches every cell); anchors of several sizes on that grid
/// cover the object scales. Stages deeper than the head's stride feed the pyramid; shallower ones only run before it.</para>
/// <para>The output convolution's objectness biases start at log(π / (1 − π)) for a prior π = 0.01 (−4.6), as RetinaNet's
/// classification bias (Lin et al., 2017): almost every cell is background, so a start at 0.5 would make the first steps'
/// objectness loss huge and push all features toward "no object"; the other biases start at 0.</para>
/// </summary>
public static class YoloNetwork
{
    /// <summary>The objectness probability every prediction starts at (<see cref="InitializeObjectnessPrior"/>).</summary>
    public const double ObjectnessPrior = 0.01;

    /// <summary>
    /// The detector on <paramref name="stages"/> for <paramref name="head"/>, whose stride must be one of the stages'.
    /// <paramref name="neckWidth"/> is the pyramid's and the head's channel count. The new layers are initialized from
    /// <paramref name="seed"/>; the backbone keeps its weights (do not run <see cref="Training.Initializer"/> over the result:
    /// it would clear the objectness prior).
    /// </summary>
    public static Sequential Build(IReadOnlyList<BackboneStage> stages, YoloHead head, int neckWidth = 64, int seed = 0)
    {
        TopDownPath.RequireStages(stages);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neckWidth);
        int headStage = stages.ToList().FindIndex(s => s.Stride == head.Stride);
        if (headStage < 0)
            throw new ArgumentException(
                $"The head's stride {head.Stride} is not the stride of a backbone stage ({string.Join(", ", stages.Select(s => s.Stride))}).", nameof(head));
        var output = new Conv2dLayer("head.out", neckWidth, head.Channels, 1);
        var network = new Sequential("yolo", [
            .. stages.Take(headStage).Select(s => s.Layer),
            TopDownPath.Build(stages, headStage, neckWidth, (name, _, factor) => new UpsampleLayer(name, factor)),
            TopDownPath.ConvBnRelu("head.conv", neckWidth, neckWidth, 3),
            output]);
        TopDownPath.InitializeAllBut(network, stages, seed);
        InitializeObjectnessPrior(output, head);
        return network;
    }

    /// <summary>The detector on <paramref name="backbone"/>'s stages for images of shape <paramref name="input"/> [C, H, W].</summary>
    public static Sequential Build(Layer backbone, TensorShape input, YoloHead head, int neckWidth = 64, int seed = 0) =>
        Build(BackboneStages.Split(backbone, input), head, neckWidth, seed);

    /// <summary>
    /// Sets the objectness biases of <paramref name="output"/> (the convolution that writes the head's channels) to
    /// log(π / (1 − π)) for the prior <paramref name="prior"/> and its other biases to 0.
    /// </summary>
    public static void InitializeObjectnessPrior(Conv2dLayer output, YoloHead head, double prior = ObjectnessPrior)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(head);
        if (!(prior > 0 && prior < 1)) throw new ArgumentOutOfRangeException(nameof(prior), prior, "The prior must be in (0, 1).");
        if (output.Bias is not { } bias || output.OutChannels != head.Channels)
            throw new ArgumentException(
                $"The output convolution '{output.Name}' must have a bias and {head.Channels} output channels; it has {output.OutChannels}{(output.HasBias ? "" : " and no bias")}.", nameof(output));
        var span = bias.Value.Span;
        span.Clear();
        for (int a = 0; a < head.AnchorCount; a++) span[a * head.ChannelsPerAnchor + YoloHead.Objectness] = (float)Math.Log(prior / (1 - prior));
    }
}
