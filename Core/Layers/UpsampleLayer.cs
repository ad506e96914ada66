using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>How <see cref="UpsampleLayer"/> interpolates.</summary>
public enum UpsampleMode
{
    /// <summary>Each output pixel copies the input pixel it falls in (<see cref="UpsampleNearest"/>).</summary>
    Nearest,
    /// <summary>Each output pixel blends the four nearest input pixels (<see cref="UpsampleBilinear"/>).</summary>
    Bilinear,
}

/// <summary>
/// Resizes the spatial axes of [N, C, H, W] (torch.nn.Upsample): by a whole <see cref="Scale"/> factor, or to a fixed
/// <see cref="OutputHeight"/> × <see cref="OutputWidth"/>. Exactly one of the two is set. <see cref="AlignCorners"/>
/// (bilinear only) maps the corner pixels of input and output onto each other, as PyTorch's align_corners.
/// </summary>
public sealed class UpsampleLayer : Layer
{
    private Tensor? _input;

    /// <summary>Output H·scale × W·scale.</summary>
    public UpsampleLayer(string name, int scale, UpsampleMode mode = UpsampleMode.Nearest, bool alignCorners = false)
        : this(name, mode, alignCorners)
    {
        Require.Positive(scale, nameof(scale));
        Scale = scale;
    }

    /// <summary>Output outputHeight × outputWidth whatever the input size (down-sizing too).</summary>
    public UpsampleLayer(string name, int outputHeight, int outputWidth, UpsampleMode mode = UpsampleMode.Nearest,
        bool alignCorners = false) : this(name, mode, alignCorners)
    {
        Require.Positive(outputHeight, nameof(outputHeight));
        Require.Positive(outputWidth, nameof(outputWidth));
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
    }

    private UpsampleLayer(string name, UpsampleMode mode, bool alignCorners) : base(name)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"mode {(int)mode} is not an {nameof(UpsampleMode)}.", nameof(mode));
        if (alignCorners && mode != UpsampleMode.Bilinear)
            throw new ArgumentException($"alignCorners applies to {UpsampleMode.Bilinear} only, not {mode}.", nameof(alignCorners));
        Mode = mode;
        AlignCorners = alignCorners;
    }

    /// <summary>The integer factor of both axes, or null when the layer upsamples to a fixed size.</summary>
    public int? Scale { get; }
    /// <summary>The fixed output height, or null when the layer upsamples by <see cref="Scale"/>.</summary>
    public int? OutputHeight { get; }
    /// <summary>The fixed output width, or null when the layer upsamples by <see cref="Scale"/>.</summary>
    public int? OutputWidth { get; }
    /// <summary>How the layer interpolates.</summary>
    public UpsampleMode Mode { get; }
    /// <summary>Whether corner pixels are aligned (bilinear only; PyTorch's align_corners).</summary>
    public bool AlignCorners { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        return Scale is int s
            ? new TensorShape(input[0], input[1], input[2] * s, input[3] * s)
            : new TensorShape(input[0], input[1], OutputHeight!.Value, OutputWidth!.Value);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        if (Mode == UpsampleMode.Nearest) UpsampleNearest.Forward(input, output);
        else UpsampleBilinear.Forward(input, output, AlignCorners);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = GradInputBuffer(Saved(_input).Shape);
        if (Mode == UpsampleMode.Nearest) UpsampleNearest.Backward(gradOutput, gradInput);
        else UpsampleBilinear.Backward(gradOutput, gradInput, AlignCorners);
        return gradInput;
    }
}
