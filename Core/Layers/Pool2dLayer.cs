using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Base of the sliding-window poolings over [N, C, H, W] (torch.nn.MaxPool2d / AvgPool2d): a kernel kH × kW (square
/// unless given as a pair), a stride per axis (the kernel size by default), explicit or "same" padding (each side smaller
/// than the dilated kernel, see <see cref="Pool2dGeometry"/>), dilation and ceil mode. The <see cref="Pool2dGeometry"/> is resolved per input shape and kept while the shape
/// stays the same.
/// </summary>
public abstract class Pool2dLayer : Layer
{
    private Pool2dGeometry? _geometry;

    private protected Pool2dLayer(string name, (int Height, int Width) kernel, (int H, int W)? stride, ConvPadding? padding,
        int dilation, bool ceilMode) : base(name)
    {
        Require.Positive(kernel.Height, "kernelHeight");
        Require.Positive(kernel.Width, "kernelWidth");
        if (stride is { } s && (s.H <= 0 || s.W <= 0))
            throw new ArgumentException($"stride must be positive; ({s.H}, {s.W}) was given.", nameof(stride));
        Require.Positive(dilation, nameof(dilation));
        (KernelHeight, KernelWidth) = kernel;
        (StrideH, StrideW) = stride ?? kernel;
        Padding = padding ?? ConvPadding.Valid;
        Dilation = dilation; CeilMode = ceilMode;
        // Checks explicit padding (each side smaller than the dilated kernel) once, on an input the dilated kernel just fits.
        int extentH = dilation * (KernelHeight - 1) + 1, extentW = dilation * (KernelWidth - 1) + 1;
        _ = Pool2dGeometry.ForInput(new TensorShape(1, 1, extentH, extentW), KernelHeight, KernelWidth, StrideH, StrideW,
            Padding.Resolve(extentH, extentW, KernelHeight, KernelWidth, StrideH, StrideW, dilation), dilation, dilation, ceilMode);
    }

    /// <summary>A square kernel and one stride for both axes (the kernel size by default).</summary>
    private protected Pool2dLayer(string name, int kernelSize, int? stride, ConvPadding? padding, int dilation, bool ceilMode)
        : this(name, Square(kernelSize, nameof(kernelSize)), stride is null ? null : Square(stride.Value, nameof(stride)), padding,
            dilation, ceilMode) { }

    /// <summary>(side, side), checked under the square constructor's own argument name.</summary>
    private static (int, int) Square(int side, string name)
    {
        Require.Positive(side, name);
        return (side, side);
    }

    /// <summary>The window height.</summary>
    public int KernelHeight { get; }
    /// <summary>The window width.</summary>
    public int KernelWidth { get; }
    /// <summary>The vertical step between windows.</summary>
    public int StrideH { get; }
    /// <summary>The horizontal step between windows.</summary>
    public int StrideW { get; }
    /// <summary>The padding of the input.</summary>
    public ConvPadding Padding { get; }
    /// <summary>The spacing of the window's cells (1: adjacent).</summary>
    public int Dilation { get; }
    /// <summary>Whether the output size is rounded up (a last, partial window) instead of down.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => Geometry(input).OutputShape;

    private protected Pool2dGeometry Geometry(TensorShape input)
    {
        if (_geometry is not null && _geometry.InputShape == input) return _geometry;
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        try
        {
            var padding = Padding.Resolve(input[2], input[3], KernelHeight, KernelWidth, StrideH, StrideW, Dilation);
            return _geometry = Pool2dGeometry.ForInput(input, KernelHeight, KernelWidth, StrideH, StrideW, padding, Dilation,
                Dilation, CeilMode);
        }
        catch (ArgumentException e)
        {
            throw BadInput(input, e);
        }
    }
}
