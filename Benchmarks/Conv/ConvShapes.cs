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
    /// <summary>LeNet-5, ResNet-50 stages and stem, the 1×1 / depthwise layers of mobile networks, and late stages on small maps.</summary>
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
        new("resnet18_l4_2x2", 32, 512,   2,   2,  512, 3, 1, 1,   1),  // ResNet-18 on 64×64 inputs, last stage
        new("resnet50_l4_7x7",  8, 512,   7,   7,  512, 3, 1, 1,   1),  // ResNet-50 on 224×224, last stage
        new("pointwise_7x7",    8, 256,   7,   7, 1024, 1, 1, 0,   1),  // 1×1 expansion on a 7×7 map
        new("mbv2_dw_16x16",   32, 144,  16,  16,  144, 3, 1, 1, 144),  // MobileNetV2 on 64×64 inputs: small-map depthwise
        new("mbv2_dw_s2",      32, 144,  16,  16,  144, 3, 2, 1, 144),  // its stride-2 depthwise
        new("mbv2_pw_16x16",   32,  24,  16,  16,  144, 1, 1, 0,   1),  // its 1×1 expansion
        new("effnet_dw5x5",     8, 240,  28,  28,  240, 5, 1, 2, 240),  // EfficientNet-B0 on 224×224: 5×5 depthwise
        new("small_resnet_28x28", 64, 16, 28,  28,   16, 3, 1, 1,   1),  // the Fashion-MNIST ResNet's three stages
        new("small_resnet_14x14", 64, 32, 14,  14,   32, 3, 1, 1,   1),
        new("small_resnet_7x7",   64, 64,  7,   7,   64, 3, 1, 1,   1),
        new("resnet18_l3_4x4",    32, 256,  4,   4,  256, 3, 1, 1,   1),  // ResNet-18 on 64×64 inputs, third stage
    ];

    /// <summary>
    /// Small maps for <c>convpaths</c> (batch folded into the GEMM or per image): the late stages above, and probes
    /// around the rule's threshold (3×3 and 1×1 on 4×4 to 28×28 maps, 64 to 512 channels).
    /// </summary>
    public static readonly ConvShape[] SmallMaps =
    [
        //  name                  N  Cin    H    W  Cout  k  s  p  groups
        new("resnet18_l4_2x2",   32, 512,   2,   2,  512, 3, 1, 1,   1),
        new("resnet18_l4_down",  32, 256,   4,   4,  512, 3, 2, 1,   1),  // stride 2, 4×4 → 2×2
        new("resnet18_l3_4x4",   32, 256,   4,   4,  256, 3, 1, 1,   1),
        new("resnet50_l4_7x7",    8, 512,   7,   7,  512, 3, 1, 1,   1),
        new("pointwise_7x7",      8, 256,   7,   7, 1024, 1, 1, 0,   1),
        new("3x3_4x4_c512",      32, 512,   4,   4,  512, 3, 1, 1,   1),
        new("3x3_7x7_c64",       64,  64,   7,   7,   64, 3, 1, 1,   1),  // a small network's last stage
        new("3x3_7x7_c256",      16, 256,   7,   7,  256, 3, 1, 1,   1),
        new("3x3_8x8_c256",      16, 256,   8,   8,  256, 3, 1, 1,   1),
        new("3x3_8x8_c512",      16, 512,   8,   8,  512, 3, 1, 1,   1),
        new("3x3_10x10_c256",    16, 256,  10,  10,  256, 3, 1, 1,   1),
        new("3x3_14x14_c256",    16, 256,  14,  14,  256, 3, 1, 1,   1),
        new("1x1_4x4_c512",      32, 512,   4,   4,  512, 1, 1, 0,   1),
        new("1x1_14x14_c256",    16, 256,  14,  14,  256, 1, 1, 0,   1),
        new("1x1_16x16_c256",    16, 256,  16,  16,  256, 1, 1, 0,   1),
        new("1x1_20x20_c256",    16, 128,  20,  20,  256, 1, 1, 0,   1),
        new("1x1_28x28_c256",    16, 128,  28,  28,  256, 1, 1, 0,   1),
    ];
}
