using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Models;

/// <summary>
/// The encoder–decoder "U" shared by the segmentation UNet and the detector's feature pyramid: backbone stages going down,
/// then from the deepest stage back up one stage at a time — upsample to the next shallower stage's stride, concatenate its
/// map (skip first, <see cref="Branches"/> of <see cref="Identity"/> and the deeper path, nested as <see cref="UNet"/>
/// nests it), 3×3 conv → BN → ReLU to the decoder width. The deepest stage gets a 1×1 conv → BN → ReLU to that width.
/// </summary>
internal static class TopDownPath
{
    /// <summary>
    /// How the path goes up by a whole <paramref name="factor"/> (usually 2) at <paramref name="channels"/> channels,
    /// as one layer named <paramref name="name"/>.
    /// </summary>
    public delegate Layer Upsampler(string name, int channels, int factor);

    /// <summary>
    /// Stages <paramref name="first"/> to the last and the way back up: [N, C, H/s₀, W/s₀] (the input of stage
    /// <paramref name="first"/>) → [N, width, H/s, W/s] at s, the stride of stage <paramref name="first"/>.
    /// </summary>
    public static Layer Build(IReadOnlyList<BackboneStage> stages, int first, int width, Upsampler up)
    {
        var stage = stages[first];
        string s = stage.Stride.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (first == stages.Count - 1)
            return new Sequential($"level{s}", stage.Layer, ConvBnRelu($"lateral{s}", stage.Channels, width, 1));
        var deeper = new Sequential($"top_down{s}",
            Build(stages, first + 1, width, up),
            up($"up{s}", width, stages[first + 1].Stride / stage.Stride));
        return new Sequential($"level{s}",
            stage.Layer,
            new Branches($"merge{s}", new Identity($"skip{s}"), deeper),
            ConvBnRelu($"fuse{s}", stage.Channels + width, width, 3));
    }

    public static Sequential ConvBnRelu(string name, int inChannels, int outChannels, int kernelSize, int stride = 1) =>
        ConvBlocks.ConvBnAct(name, inChannels, outChannels, kernelSize, stride, activation: () => new ReLU());

    /// <summary>
    /// Initializes every parameter of <paramref name="network"/> from <paramref name="seed"/> (<see cref="Initializer"/>)
    /// except the backbone stages', which keep their (possibly pretrained) values.
    /// </summary>
    public static void InitializeAllBut(Layer network, IEnumerable<BackboneStage> stages, int seed)
    {
        var kept = stages.SelectMany(s => s.Layer.AllParameters()).Select(p => (p, Value: p.Value.ToArray())).ToList();
        Initializer.Initialize(network, seed);
        foreach (var (parameter, value) in kept) value.CopyTo(parameter.Value.Span);
    }

    /// <summary>Throws unless there is at least one stage.</summary>
    public static void RequireStages(IReadOnlyList<BackboneStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0) throw new ArgumentException("The backbone has no stages.", nameof(stages));
        for (int i = 1; i < stages.Count; i++)
            if (stages[i].Stride % stages[i - 1].Stride != 0 || stages[i].Stride <= stages[i - 1].Stride)
                throw new ArgumentException(
                    $"Stage strides must grow by whole factors ({string.Join(", ", stages.Select(s => s.Stride))} were given).", nameof(stages));
    }
}
