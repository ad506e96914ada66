using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Benchmarks.Conv;

/// <summary>One benchmarked convolution: square kernel, symmetric padding, no dilation.</summary>
internal sealed record ConvShape(string Name, int Batch, int InChannels, int Height, int Width, int OutChannels,
    int Kernel, int Stride, int Pad, int Groups)
{
    public Conv2dGeometry Geometry => new(Batch, InChannels, Height, Width, OutChannels, Kernel, Kernel,
        Stride, Stride, Padding2d.Symmetric(Pad), groups: Groups);

    public override string ToString() =>
        $"{Name}: N={Batch} {InChannels}×{Height}×{Width} → {OutChannels}, k={Kernel} s={Stride} p={Pad} g={Groups}";
}

internal static class ConvShapes
{
    /// <summary>LeNet-5, ResNet-50 stages and stem, and the 1×1 / depthwise layers of mobile networks.</summary>
    public static readonly ConvShape[] All =
    [
        //  name              N  Cin    H    W  Cout  k  s  p  groups
        new("lenet_c1",      64,   1,  28,  28,    6, 5, 1, 2,   1),
        new("lenet_c3",      64,   6,  14,  14,   16, 5, 1, 0,   1),
        new("resnet_s1_3x3", 16,  64,  56,  56,   64, 3, 1, 1,   1),
        new("resnet_s3_3x3", 16, 256,  14,  14,  256, 3, 1, 1,   1),
        new("resnet_stem",    8,   3, 224, 224,   64, 7, 2, 3,   1),
        new("pointwise_1x1", 16, 128,  28,  28,  256, 1, 1, 0,   1),
        new("depthwise_3x3", 16, 128,  56,  56,  128, 3, 1, 1, 128),
    ];
}
