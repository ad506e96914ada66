namespace MLNet.Cnn.Kernels;

/// <summary>
/// The size arithmetic of a sliding window (convolution or pooling) along one axis: a kernel of size k with
/// dilation d spans extent = d·(k − 1) + 1 cells of the padded input, input + padLow + padHigh.
/// </summary>
internal static class WindowExtent
{
    /// <summary>
    /// The number of window positions along one axis, ⌊(padded − extent) / stride⌋ + 1 (in ceil mode rounded up,
    /// less the last position when it would start in the high padding, as PyTorch's pooling_output_shape does).
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="kernelName"/> when the dilated kernel is
    /// larger than the padded input; <paramref name="axis"/> ("height", "width") words the message.
    /// </summary>
    public static int OutputSize(int input, int padLow, int padHigh, int kernel, int stride, int dilation,
        string kernelName, string axis, bool ceilMode = false)
    {
        int extent = dilation * (kernel - 1) + 1, padded = input + padLow + padHigh;
        if (extent > padded)
            throw new ArgumentException(
                $"The dilated kernel {axis} ({extent}) is larger than the padded input {axis} " +
                $"({padded} = {input} + {padLow} + {padHigh}).", kernelName);
        int output = (padded - extent + (ceilMode ? stride - 1 : 0)) / stride + 1;
        return ceilMode && (output - 1) * stride >= input + padLow ? output - 1 : output;
    }
}
