using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Resizes the spatial axes of [N, C, d1 … dk] as ONNX Resize does (<see cref="Resize"/>): nearest, linear or cubic
/// interpolation (<see cref="ResizeSampling"/>), each axis scaled by a factor (output ⌊d·scale⌋, up or down, one factor
/// per axis) or to a size. <see cref="UpsampleLayer"/> is the PyTorch-style special case (whole factors, bilinear).
/// </summary>
public sealed class ResizeLayer : Layer
{
    private readonly float[]? _scales;
    private readonly int[]? _sizes;
    private TensorShape _tapsFor;
    private ResizeTaps[] _taps = [];
    private Tensor? _input;

    /// <summary>Each spatial axis i scaled by <paramref name="scales"/>[i] (&gt; 0).</summary>
    public ResizeLayer(string name, float[] scales, ResizeSampling sampling) : this(name, sampling, scales?.Length ?? throw new ArgumentNullException(nameof(scales)))
    {
        if (scales.Any(s => !(s > 0) || float.IsInfinity(s)))
            throw new ArgumentException($"scales must be positive and finite; [{string.Join(", ", scales)}] was given.", nameof(scales));
        _scales = [.. scales];
    }

    /// <summary>Spatial axis i resized to <paramref name="sizes"/>[i] (&gt; 0) values.</summary>
    public ResizeLayer(string name, int[] sizes, ResizeSampling sampling) : this(name, sampling, sizes?.Length ?? throw new ArgumentNullException(nameof(sizes)))
    {
        foreach (int size in sizes) Require.Positive(size, nameof(sizes));
        _sizes = [.. sizes];
    }

    private ResizeLayer(string name, ResizeSampling sampling, int axes) : base(name)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        if (axes == 0) throw new ArgumentException("at least one spatial axis must be given.", "scales");
        if (!Enum.IsDefined(sampling.Mode) || !Enum.IsDefined(sampling.Coordinates) || !Enum.IsDefined(sampling.Rounding))
            throw new ArgumentException($"{sampling} has a value outside its enums.", nameof(sampling));
        if ((sampling.Coordinates == ResizeCoordinates.TfCropAndResize) != (sampling.Crop is not null) || sampling.Crop?.Roi.Count is int count && count != axes)
            throw new ArgumentException($"tf_crop_and_resize takes a ResizeCrop with one region per spatial axis ({axes}), and only it does; {sampling} was given.", nameof(sampling));
        Sampling = sampling;
    }

    /// <summary>The factor of each spatial axis, or null when the layer resizes to <see cref="Sizes"/>.</summary>
    public IReadOnlyList<float>? Scales => _scales;

    /// <summary>The output length of each spatial axis, or null when the layer resizes by <see cref="Scales"/>.</summary>
    public IReadOnlyList<int>? Sizes => _sizes;

    /// <summary>The interpolation mode, coordinate mapping and rounding the resize samples with (ONNX Resize's attributes).</summary>
    public ResizeSampling Sampling { get; }

    private int Axes => _scales?.Length ?? _sizes!.Length;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        string spatial = string.Join(", ", Enumerable.Range(1, Axes).Select(i => $"d{i}"));
        if (input.Rank != Axes + 2) throw BadInput(input, $"[N, C, {spatial}]");
        var dims = input.Dimensions.ToArray();
        for (int a = 0; a < Axes; a++)
        {
            // tf_crop_and_resize scales the region of interest: ⌊d·(end − start)·scale⌋.
            double extent = Sampling.Crop is { } crop ? crop.Roi[a].End - crop.Roi[a].Start : 1;
            dims[a + 2] = _sizes?[a] ?? ResizeTaps.SizeOf(input[a + 2], _scales![a] * extent);
            if (dims[a + 2] < 1) throw BadInput(input, $"spatial sides that give at least one value at scales [{string.Join(", ", _scales!)}]");
        }
        return new TensorShape(dims);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        Resize.Forward(input, output, TapsFor(input.Shape));
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var gradInput = GradInputBuffer(input.Shape);
        Resize.Backward(gradOutput, gradInput, TapsFor(input.Shape));
        return gradInput;
    }

    /// <summary>The taps of every spatial axis for this input shape (kept while the shape stays the same).</summary>
    internal IReadOnlyList<ResizeTaps> TapsFor(TensorShape input)
    {
        if (_tapsFor == input && _taps.Length > 0) return _taps;
        var output = OutputShape(input);
        _taps = Enumerable.Range(0, Axes).Select(a =>
        {
            int inSize = input[a + 2], outSize = output[a + 2];
            return ResizeTaps.For(inSize, outSize, _scales?[a] ?? ResizeTaps.ScaleOf(inSize, outSize), Sampling, a);
        }).ToArray();
        _tapsFor = input;
        return _taps;
    }
}
