using System.Numerics;

namespace MLNet.Cnn.Detection;

/// <summary>
/// The specification of <see cref="RoIAlign"/> (torchvision.ops.roi_align): every output cell (k, c, ph, pw) is the
/// mean of bilinear samples of plane (batch index of RoI k, c) on the grid <see cref="RoIFrame{T}"/> describes.
/// Plain loops, in any floating-point type (double for the finite-difference checks).
/// </summary>
internal static class RoIAlignReference
{
    // input [N, C, H, W], rois [K, 5] (batch index, x1, y1, x2, y2 in image pixels) → output [K, C, OutputHeight, OutputWidth]
    public static void Forward<T>(RoIAlignOptions options, int batch, int channels, int height, int width,
        ReadOnlySpan<T> input, ReadOnlySpan<T> rois, Span<T> output) where T : IFloatingPointIeee754<T>
    {
        int count = Check(options, batch, channels, height, width, input.Length, rois, output.Length, nameof(output));
        int oh = options.OutputHeight, ow = options.OutputWidth, plane = height * width;
        for (int k = 0; k < count; k++)
        {
            var frame = new RoIFrame<T>(rois.Slice(5 * k, 5), options);
            T divisor = T.CreateChecked(frame.SamplesPerBin);
            for (int c = 0; c < channels; c++)
            {
                var source = input.Slice((frame.BatchIndex * channels + c) * plane, plane);
                for (int ph = 0; ph < oh; ph++)
                    for (int pw = 0; pw < ow; pw++)
                    {
                        T sum = T.Zero;
                        for (int iy = 0; iy < frame.GridHeight; iy++)
                            for (int ix = 0; ix < frame.GridWidth; ix++)
                                if (BilinearTaps<T>.TryCreate(frame.SampleY(ph, iy), frame.SampleX(pw, ix), height, width, out var t))
                                    sum += t.W1 * source[t.Low] + t.W2 * source[t.LowRight] + t.W3 * source[t.High] + t.W4 * source[t.HighRight];
                        output[((k * channels + c) * oh + ph) * ow + pw] = sum / divisor;
                    }
            }
        }
    }

    // gradOutput [K, C, OutputHeight, OutputWidth] → gradInput [N, C, H, W] (overwritten): each sample hands its four
    // taps their weight times the bin's gradient over the bin's sample count.
    public static void Backward<T>(RoIAlignOptions options, int batch, int channels, int height, int width,
        ReadOnlySpan<T> rois, ReadOnlySpan<T> gradOutput, Span<T> gradInput) where T : IFloatingPointIeee754<T>
    {
        int count = Check(options, batch, channels, height, width, gradInput.Length, rois, gradOutput.Length, nameof(gradOutput));
        int oh = options.OutputHeight, ow = options.OutputWidth, plane = height * width;
        gradInput.Clear();
        for (int k = 0; k < count; k++)
        {
            var frame = new RoIFrame<T>(rois.Slice(5 * k, 5), options);
            T divisor = T.CreateChecked(frame.SamplesPerBin);
            for (int c = 0; c < channels; c++)
            {
                var target = gradInput.Slice((frame.BatchIndex * channels + c) * plane, plane);
                for (int ph = 0; ph < oh; ph++)
                    for (int pw = 0; pw < ow; pw++)
                    {
                        T g = gradOutput[((k * channels + c) * oh + ph) * ow + pw] / divisor;
                        for (int iy = 0; iy < frame.GridHeight; iy++)
                            for (int ix = 0; ix < frame.GridWidth; ix++)
                                if (BilinearTaps<T>.TryCreate(frame.SampleY(ph, iy), frame.SampleX(pw, ix), height, width, out var t))
                                {
                                    target[t.Low] += g * t.W1;
                                    target[t.LowRight] += g * t.W2;
                                    target[t.High] += g * t.W3;
                                    target[t.HighRight] += g * t.W4;
                                }
                    }
            }
        }
    }

    /// <summary>Checks the options, the input and output lengths and the rois; returns the number of RoIs.</summary>
    private static int Check<T>(RoIAlignOptions options, int batch, int channels, int height, int width, int inputLength,
        ReadOnlySpan<T> rois, int outputLength, string outputName) where T : IFloatingPointIeee754<T>
    {
        options.Check();
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"The input must be a non-empty [N, C, H, W]; [{batch}, {channels}, {height}, {width}] was given.");
        if (inputLength != batch * channels * height * width)
            throw new ArgumentException(
                $"The feature map has {inputLength} values; expected [{batch}, {channels}, {height}, {width}] = {batch * channels * height * width}.");
        int count = RoIFrame<T>.CheckRois(rois, batch, nameof(rois));
        int expected = count * channels * options.OutputHeight * options.OutputWidth;
        if (outputLength != expected)
            throw new ArgumentException(
                $"{outputName} has length {outputLength}; expected [{count}, {channels}, {options.OutputHeight}, {options.OutputWidth}] = {expected}.",
                outputName);
        return count;
    }
}
