using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>The shapes a convolution kernel's geometry fixes: what its input and output tensors must be.</summary>
public interface IConvolutionGeometry
{
    /// <summary>[N, Cin, H, W].</summary>
    TensorShape InputShape { get; }

    /// <summary>[N, Cout, Hout, Wout].</summary>
    TensorShape OutputShape { get; }
}
