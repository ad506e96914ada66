using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Base of the sliding-window poolings over [N, C, H, W] (torch.nn.MaxPool2d / AvgPool2d): a square kernel, a stride
/// (the kernel size by default), explicit or "same" padding of at most half the kernel, dilation and ceil mode.
/// The <see cref="Pool2dGeometry"/> is resolved per input shape and kept while the shape stays the same.
/// </summary>
public abstract class Pool2dLayer : Layer
{
    private Pool2dGeometry? _geometry;

    private protected Pool2dLayer(string name, int kernelSize, int? stride, ConvPadding? padding, int dilation,
        bool ceilMode) : base(name)
    {
        Require.Positive(kernelSize, nameof(kernelSize));
        if (stride <= 0) throw new ArgumentException($"stride must be positive; {stride} was given.", nameof(stride));
        Require.Positive(dilation, nameof(dilation));
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding ?? ConvPadding.Valid;
        Dilation = dilation; CeilMode = ceilMode;
        // Checks explicit padding (at most half the kernel, per side) once, on an input the dilated kernel just fits.
        int extent = dilation * (kernelSize - 1) + 1;
        _ = Pool2dGeometry.ForInput(new TensorShape(1, 1, extent, extent), kernelSize, kernelSize, Stride, Stride,
            Padding.Resolve(extent, extent, kernelSize, kernelSize, Stride, Stride, dilation), dilation, dilation, ceilMode);
    }

    public int KernelSize { get; }
    public int Stride { get; }
    public ConvPadding Padding { get; }
    public int Dilation { get; }
    public bool CeilMode { get; }

    public override TensorShape OutputShape(TensorShape input) => Geometry(input).OutputShape;

    private protected Pool2dGeometry Geometry(TensorShape input)
    {
        if (_geometry is not null && _geometry.InputShape == input) return _geometry;
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        try
        {
            var padding = Padding.Resolve(input[2], input[3], KernelSize, KernelSize, Stride, Stride, Dilation);
            return _geometry = Pool2dGeometry.ForInput(input, KernelSize, KernelSize, Stride, Stride, padding, Dilation,
                Dilation, CeilMode);
        }
        catch (ArgumentException e)
        {
            throw BadInput(input, e);
        }
    }
}
