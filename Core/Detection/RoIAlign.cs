using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Detection;

/// <summary>
/// RoIAlign (He et al., Mask R-CNN), with torchvision.ops.roi_align's semantics (see <see cref="RoIAlignReference"/>,
/// its specification, and <see cref="RoIFrame{T}"/>). Each RoI's bilinear taps are computed once and reused over all
/// channels; the forward pass is split over RoIs, the backward pass over channels (each thread owns its gradient planes,
/// so no two threads add to the same cell).
/// </summary>
public static class RoIAlign
{
    // input [N, C, H, W], rois [K, 5] (batch index, x1, y1, x2, y2 in image pixels) → [K, C, OutputHeight, OutputWidth]
    /// <summary>Pools every RoI of <paramref name="input"/> [N, C, H, W] into a fixed [C, OutputHeight, OutputWidth] grid by bilinear sampling.</summary>
    /// <param name="input">Feature maps [N, C, H, W].</param>
    /// <param name="rois">[K, 5]: batch index, then x1, y1, x2, y2 in input-image pixels (scaled to the map by the options' spatial scale).</param>
    /// <param name="options">Output size, spatial scale, sampling ratio and the pixel-offset convention.</param>
    /// <returns>A new tensor [K, C, OutputHeight, OutputWidth].</returns>
    public static Tensor Forward(Tensor input, Tensor rois, RoIAlignOptions options)
    {
        Require.Rank(input, 4, nameof(input));
        var (batch, channels, height, width) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        int count = CheckRois(rois, options, batch);
        var output = new Tensor(count, channels, options.OutputHeight, options.OutputWidth);
        int bins = options.OutputHeight * options.OutputWidth, plane = height * width;
        CnnParallel.For(count, k =>
        {
            var taps = new RoITaps(options, rois.Span.Slice(5 * k, 5), height, width);
            ReadOnlySpan<float> source = input.Span;
            Span<float> target = output.Span;
            for (int c = 0; c < channels; c++)
            {
                var planeValues = source.Slice((taps.BatchIndex * channels + c) * plane, plane);
                var outputs = target.Slice((k * channels + c) * bins, bins);
                for (int bin = 0; bin < bins; bin++) outputs[bin] = taps.Gather(bin, planeValues);
            }
        });
        return output;
    }

    // gradOutput [K, C, OutputHeight, OutputWidth] → gradInput of inputShape [N, C, H, W]
    /// <summary>The gradient with respect to the input of <see cref="Forward"/>: each output gradient spread back over its bilinear taps.</summary>
    /// <param name="gradOutput">∂L/∂output [K, C, OutputHeight, OutputWidth].</param>
    /// <param name="rois">The RoIs of the forward pass, [K, 5].</param>
    /// <param name="inputShape">The forward input's shape [N, C, H, W].</param>
    /// <param name="options">The options of the forward pass.</param>
    /// <returns>A new tensor ∂L/∂input of <paramref name="inputShape"/>.</returns>
    public static Tensor Backward(Tensor gradOutput, Tensor rois, TensorShape inputShape, RoIAlignOptions options)
    {
        if (inputShape.Rank != 4)
            throw new ArgumentException($"inputShape must be [N, C, H, W]; {inputShape} was given.", nameof(inputShape));
        var (batch, channels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3]);
        int count = CheckRois(rois, options, batch);
        Require.Shape(gradOutput, new TensorShape(count, channels, options.OutputHeight, options.OutputWidth), nameof(gradOutput));
        var gradInput = new Tensor(inputShape);
        int bins = options.OutputHeight * options.OutputWidth, plane = height * width;
        int chunks = Math.Min(CnnParallel.Threads, channels);
        CnnParallel.For(chunks, chunk =>
        {
            int firstChannel = chunk * channels / chunks, endChannel = (chunk + 1) * channels / chunks;
            for (int k = 0; k < count; k++)
            {
                var taps = new RoITaps(options, rois.Span.Slice(5 * k, 5), height, width);
                ReadOnlySpan<float> gradients = gradOutput.Span;
                Span<float> target = gradInput.Span;
                for (int c = firstChannel; c < endChannel; c++)
                {
                    var planeGradients = target.Slice((taps.BatchIndex * channels + c) * plane, plane);
                    var binGradients = gradients.Slice((k * channels + c) * bins, bins);
                    for (int bin = 0; bin < bins; bin++) taps.Scatter(bin, binGradients[bin], planeGradients);
                }
            }
        });
        return gradInput;
    }

    /// <summary>
    /// The [K, 5] RoI tensor of per-image xyxy boxes: row (i, x1, y1, x2, y2) for each box of image i, images in order
    /// (an image may have none, but not all of them: a tensor has no empty dimension).
    /// </summary>
    public static Tensor RoisFromImages(IReadOnlyList<float[]> boxesPerImage)
    {
        ArgumentNullException.ThrowIfNull(boxesPerImage);
        var rows = new List<float>();
        for (int image = 0; image < boxesPerImage.Count; image++)
        {
            var boxes = boxesPerImage[image] ?? throw new ArgumentNullException(nameof(boxesPerImage), $"Image {image} has no box array.");
            int count = BoxCheck.Valid<float>(boxes, $"{nameof(boxesPerImage)}[{image}]");
            for (int i = 0; i < count; i++)
            {
                rows.Add(image);
                rows.AddRange(boxes.AsSpan(4 * i, 4));
            }
        }
        if (rows.Count == 0)
            throw new ArgumentException(
                "boxesPerImage holds no box; a tensor cannot have zero rows, so skip RoIAlign when there is no RoI.", nameof(boxesPerImage));
        return Tensor.FromArray(rows.ToArray(), rows.Count / 5, 5);
    }

    private static int CheckRois(Tensor rois, RoIAlignOptions options, int batch)
    {
        options.Check();
        Require.Rank(rois, 2, nameof(rois));
        if (rois.Shape[1] != 5)
            throw new ArgumentException($"rois has shape {rois.Shape}; expected [K, 5] rows of (batch index, x1, y1, x2, y2).", nameof(rois));
        return RoIFrame<float>.CheckRois(rois.Span, batch, nameof(rois));
    }

    /// <summary>
    /// One RoI's bilinear taps, bin by bin: bin b reads plane offsets _offsets[_binStart[b] .. _binStart[b + 1]) with
    /// weights already divided by the bin's sample count.
    /// </summary>
    private sealed class RoITaps
    {
        private readonly int[] _binStart;
        private readonly int[] _offsets;
        private readonly float[] _weights;

        public RoITaps(RoIAlignOptions options, ReadOnlySpan<float> roi, int height, int width)
        {
            var frame = new RoIFrame<float>(roi, options);
            BatchIndex = frame.BatchIndex;
            float share = 1f / frame.SamplesPerBin;
            int bins = options.OutputHeight * options.OutputWidth, count = 0;
            _binStart = new int[bins + 1];
            _offsets = new int[4 * bins * frame.GridHeight * frame.GridWidth]; // at most 4 taps per sample
            _weights = new float[_offsets.Length];
            for (int ph = 0, bin = 0; ph < options.OutputHeight; ph++)
                for (int pw = 0; pw < options.OutputWidth; pw++, bin++)
                {
                    for (int iy = 0; iy < frame.GridHeight; iy++)
                        for (int ix = 0; ix < frame.GridWidth; ix++)
                            if (BilinearTaps<float>.TryCreate(frame.SampleY(ph, iy), frame.SampleX(pw, ix), height, width, out var t))
                            {
                                (_offsets[count], _weights[count++]) = (t.Low, t.W1 * share);
                                (_offsets[count], _weights[count++]) = (t.LowRight, t.W2 * share);
                                (_offsets[count], _weights[count++]) = (t.High, t.W3 * share);
                                (_offsets[count], _weights[count++]) = (t.HighRight, t.W4 * share);
                            }
                    _binStart[bin + 1] = count;
                }
        }

        public int BatchIndex { get; }

        public float Gather(int bin, ReadOnlySpan<float> plane)
        {
            float sum = 0;
            for (int i = _binStart[bin]; i < _binStart[bin + 1]; i++) sum += _weights[i] * plane[_offsets[i]];
            return sum;
        }

        public void Scatter(int bin, float gradient, Span<float> plane)
        {
            for (int i = _binStart[bin]; i < _binStart[bin + 1]; i++) plane[_offsets[i]] += _weights[i] * gradient;
        }
    }
}
