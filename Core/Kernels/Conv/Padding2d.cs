using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>Explicit, possibly asymmetric, zero padding of the two spatial axes.</summary>
public readonly record struct Padding2d(int Top, int Left, int Bottom, int Right)
{
    /// <summary>No padding.</summary>
    public static Padding2d None => default;

    /// <summary>"valid" padding (Keras, ONNX VALID): none; the output shrinks by the dilated kernel extent − 1.</summary>
    public static Padding2d Valid => default;

    /// <summary>The same <paramref name="padding"/> on all four sides.</summary>
    public static Padding2d Symmetric(int padding) => new(padding, padding, padding, padding);

    /// <paramref name="height"/> rows at top and bottom, <paramref name="width"/> columns at left and right.
    public static Padding2d Symmetric(int height, int width) => new(height, width, height, width);

    /// <summary>
    /// "same" padding (TensorFlow/ONNX SAME_UPPER): output size = ceil(input / stride); when the total
    /// padding is odd the extra row/column goes to the bottom/right, or to the top/left when
    /// <paramref name="extraAtStart"/> (ONNX SAME_LOWER).
    /// total = max((ceil(in / s) − 1)·s + d·(k − 1) + 1 − in, 0).
    /// </summary>
    public static Padding2d Same(int inHeight, int inWidth, int kernelH, int kernelW,
        int strideH = 1, int strideW = 1, int dilationH = 1, int dilationW = 1, bool extraAtStart = false)
    {
        foreach (var (value, name) in new[] { (inHeight, nameof(inHeight)), (inWidth, nameof(inWidth)), (kernelH, nameof(kernelH)),
                     (kernelW, nameof(kernelW)), (strideH, nameof(strideH)), (strideW, nameof(strideW)),
                     (dilationH, nameof(dilationH)), (dilationW, nameof(dilationW)) })
            Require.Positive(value, name);
        int totalH = SameTotal(inHeight, kernelH, strideH, dilationH);
        int totalW = SameTotal(inWidth, kernelW, strideW, dilationW);
        var upper = new Padding2d(totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2);
        return extraAtStart ? new Padding2d(upper.Bottom, upper.Right, upper.Top, upper.Left) : upper;
    }

    private static int SameTotal(int input, int kernel, int stride, int dilation)
    {
        int output = (input + stride - 1) / stride;
        return Math.Max((output - 1) * stride + dilation * (kernel - 1) + 1 - input, 0);
    }
}
